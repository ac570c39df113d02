#!/usr/bin/env bash
# A short chat measurement (loadgen -scenario chat): each library in LIBS
# (default gorilla coder) in two shapes of 1,000 connections, 10 rooms of
# 100 members and 100 rooms of 10, with PUBS publishers per room at RATE
# messages per second each (defaults 2 and 5/s: 100 and 1,000 publishes/s,
# 10,000 deliveries/s in both shapes), DURATION (default 5s) each. Server and load generator are pinned to one
# CPU each when the machine has two or more. Writes one JSON result per
# run, the summaries and env.txt (commit, CPU, go version, load) to
# results/chat/<date>/.
#
#   scripts/chat/measure.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/../.."
libs=${LIBS:-gorilla coder}
duration=${DURATION:-5s}
out=${1:-results/chat/$(date -u +%Y-%m-%d)}
# Before anything is written: a rerun overwrites tracked files in $out.
rev="$(git rev-parse HEAD)$(git diff --quiet HEAD -- . ":(exclude)$out" || echo ' (uncommitted changes)')"
mkdir -p "$out"
tmp=$(mktemp -d)
srv_pid=
cleanup() {
	if [ -n "$srv_pid" ]; then kill "$srv_pid" 2>/dev/null || true; wait "$srv_pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT
go build -o "$tmp/" ./servers ./loadgen
pin_srv=() pin_cli=()
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
	pin_srv=(taskset -c 0) pin_cli=(taskset -c 1)
fi
{
	echo "commit: $rev"
	echo "date: $(date -u +%FT%TZ)"
	echo "go: $(go version)"
	echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') x $(nproc)"
	echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "pinning: server ${pin_srv[*]:-none}, loadgen ${pin_cli[*]:-none}"
	echo "note: shared machine (other jobs ran at the same time); figures are indicative, not a ranking"
} >"$out/env.txt"
port=18480
# shape: rooms members publishers-per-room rate-per-publisher
shapes=("10 100 ${PUBS:-2} ${RATE:-5}" "100 10 ${PUBS:-2} ${RATE:-5}")
for lib in $libs; do
	for shape in "${shapes[@]}"; do
		read -r rooms members pubs rate <<<"$shape"
		port=$((port + 1))
		"${pin_srv[@]}" "$tmp/servers" -lib "$lib" -addr "127.0.0.1:$port" >"$tmp/server.log" 2>&1 &
		srv_pid=$!
		for _ in $(seq 100); do
			curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
			sleep 0.1
		done
		name="$lib-${rooms}x${members}"
		rc=0
		"${pin_cli[@]}" "$tmp/loadgen" -url "ws://127.0.0.1:$port" -scenario chat -rooms "$rooms" -members "$members" \
			-publishers "$pubs" -rate "$rate" -duration "$duration" -warmup 2s -server-pid "$srv_pid" \
			-json "$out/$name.json" >"$out/$name.txt" 2>&1 || rc=$?
		echo "$name: exit $rc" | tee -a "$out/env.txt"
		kill "$srv_pid"
		wait "$srv_pid" 2>/dev/null || true
		srv_pid=
	done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/env.txt"
