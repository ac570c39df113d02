#!/bin/sh
# syscalls.sh: the server's write syscalls per echo in BenchmarkAblation,
# counted with strace, printed as Go benchmark lines (unit writes/op) that
# benchstat reads.
#
#   scripts/tuning/syscalls.sh [REGEXP [BENCHTIME]]
#
# REGEXP selects sub-benchmarks of BenchmarkAblation (default: all), for
# example 'lib=gorilla/.*/size=16KiB'; BENCHTIME is go test's -benchtime
# (default 200x). Each sub-benchmark writes a marker line to /dev/null
# before and after its timed loop, naming the server's address and b.N;
# every write, writev, sendto and sendmsg made in between on a socket whose
# local address is the server's is counted (retries after EAGAIN
# included), then divided by b.N. Only the b.N the benchmark finally ran is
# printed. Needs strace.
set -eu
pattern=${1:-.}
benchtime=${2:-200x}
command -v strace >/dev/null || { echo "syscalls.sh: strace not found" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
go test -c -o "$tmp/bench.test" ./servers/registry/
strace -f -qq -yy -s 160 -e trace=write,writev,sendto,sendmsg -o "$tmp/trace" \
	"$tmp/bench.test" -test.run '^$' -test.bench "Ablation/$pattern" -test.benchtime "$benchtime" >"$tmp/out"
awk '
/ablation start/ {
	for (i = 1; i <= NF; i++) {
		if ($i ~ /^name=/) name = substr($i, 6)
		if ($i ~ /^addr=/) addr = substr($i, 6)
		if ($i ~ /^n=/) { n = substr($i, 3); sub(/\\n.*/, "", n) }
	}
	count = 0; active = 1; next
}
/ablation stop/ {
	if (active) { last[name] = sprintf("%s-%s %d %.2f writes/op", name, procs, n, count / n); order[name] = ++seen }
	active = 0; next
}
active && /(write|writev|sendto|sendmsg)\(/ && index($0, "TCP:[" addr "->") { count++ }
END {
	for (k in order) lines[order[k]] = last[k]
	for (i = 1; i <= seen; i++) if (i in lines) print lines[i]
}' procs="$(grep -m1 -o -- '-[0-9]*[[:space:]]' "$tmp/out" | tr -d ' \t-' || echo 1)" "$tmp/trace"
