#!/bin/sh
# ablation.sh: the adapter ablation (BenchmarkAblation in bench/) into
# results/tuning/: raw go test output, write syscalls per echo (strace),
# benchstat tables per library and the environment.
#
#   scripts/tuning/ablation.sh [OUTDIR [COUNT [BENCHTIME]]]
#
# Defaults: results/tuning, 6 passes, 0.3s per sub-benchmark. The passes run
# one after the other over every variant (a test binary run per pass with
# -count 1), so that a machine slowing down affects every variant alike.
set -eu
out=${1:-results/tuning}
count=${2:-6}
benchtime=${3:-0.3s}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
go test -c -o "$tmp/bench.test" ./servers/registry/
{
	echo "date: $(date -u +%FT%TZ)"
	echo "commit: $(git rev-parse HEAD 2>/dev/null)$(git diff --quiet HEAD -- servers bench 2>/dev/null || echo ' (with uncommitted changes)')"
	go version
	echo "kernel: $(uname -sr)"
	echo "cpus: $(nproc)"
	grep -m1 'model name' /proc/cpuinfo
	echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "timing: for pass in 1..$count: bench.test -test.run '^\$' -test.bench Ablation -test.benchtime $benchtime -test.count 1 (bench.test = go test -c ./servers/registry/)"
	echo "syscalls: scripts/tuning/syscalls.sh . 200x"
	echo "tables: go tool benchstat -filter /lib:NAME -col /variant bench.txt (and syscalls.txt)"
} >"$out/environment.txt"
: >"$out/bench.txt"
for i in $(seq "$count"); do
	"$tmp/bench.test" -test.run '^$' -test.bench Ablation -test.benchtime "$benchtime" -test.count 1 >>"$out/bench.txt"
done
echo "load average at end of timing: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/environment.txt"
scripts/tuning/syscalls.sh . 200x >"$out/syscalls.txt"
: >"$out/benchstat.txt"
for lib in $(grep -o 'lib=[a-z]*' "$out/bench.txt" | sort -u | cut -d= -f2); do
	{
		echo "## $lib"
		echo
		go tool benchstat -filter "/lib:$lib" -col /variant "$out/bench.txt"
		echo
		go tool benchstat -filter "/lib:$lib" -col /variant "$out/syscalls.txt"
		echo
	} >>"$out/benchstat.txt"
done
