#!/usr/bin/env bash
# Where does the trial-to-trial spread of a closed-loop cell come from?
# One cell (LIB, 1 KiB echo, 1,000 connections, 4 in flight: the reference
# matrix's headline cell) measured N times three ways, with the reference
# matrix's trial length:
#
#   same-process   N load generator runs against one server process
#   fresh-process  N runs, each against a freshly started server (as bench does)
#   paired         N rounds of LIB then REF back to back, fresh servers: the
#                  spread of LIB/REF within a round against LIB's own spread
#                  across rounds (what pairing by round removes)
#
# Prints, per way, msgs/s median and spread ((max-min)/median) and the
# coefficient of variation; writes every run's JSON under OUT_DIR.
#
#   scripts/noise/sources.sh [OUT_DIR]
#
# Environment: LIB (gorilla), REF (tcp), N (10), DURATION (1s), WARMUP
# (250ms), SERVER_CPU (0), CLIENT_CPU (1). Needs taskset, curl and python3.
set -euo pipefail
LIB=${LIB:-gorilla} REF=${REF:-tcp} N=${N:-10}
DURATION=${DURATION:-1s} WARMUP=${WARMUP:-250ms}
SERVER_CPU=${SERVER_CPU:-0} CLIENT_CPU=${CLIENT_CPU:-1}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/results/noise/$(date -u +%Y-%m-%dT%H%M%S)}
mkdir -p "$out"
bin=$(mktemp -d)
srv=""
cleanup() {
	if [ -n "$srv" ]; then kill "$srv" 2>/dev/null || true; wait "$srv" 2>/dev/null || true; fi
	rm -rf "$bin"
}
trap cleanup EXIT INT TERM
(cd "$root" && go build -o "$bin/" ./cmd/servers ./cmd/loadgen)

{
	echo "commit: $(git -C "$root" rev-parse HEAD)$(git -C "$root" diff --quiet -- servers loadgen bench cmd || echo ' (modified)')"
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) CPUs"
	echo "kernel: $(uname -r)"
	echo "go: $(go version)"
	echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "cell: echo closed loop, 1024 B, 1000 connections, window 4, warm-up $WARMUP, measured $DURATION; server CPU $SERVER_CPU (GOMAXPROCS 1), load generator CPU $CLIENT_CPU"
	echo "command: scripts/noise/sources.sh (LIB=$LIB REF=$REF N=$N)"
} >"$out/environment.txt"

port=""
start_server() { # lib
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	GOMAXPROCS=1 taskset -c "$SERVER_CPU" "$bin/servers" -lib "$1" -addr "127.0.0.1:$port" >>"$out/server.log" 2>&1 &
	srv=$!
	for _ in $(seq 100); do
		curl -fsS -m 1 "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	echo "sources: $1 did not answer /healthz" >&2
	exit 1
}
stop_server() {
	kill "$srv" 2>/dev/null || true
	wait "$srv" 2>/dev/null || true
	srv=""
}
proto() { if [ "$1" = tcp ]; then echo tcp; else echo ws; fi; }
run_load() { # lib json
	GOMAXPROCS=1 taskset -c "$CLIENT_CPU" "$bin/loadgen" -url "$(proto "$1")://127.0.0.1:$port" -proto "$(proto "$1")" \
		-scenario echo -conns 1000 -window 4 -size 1024 -duration "$DURATION" -warmup "$WARMUP" \
		-server-pid "$srv" -json "$2" >/dev/null 2>>"$out/loadgen.log"
}

start_server "$LIB"
for i in $(seq "$N"); do run_load "$LIB" "$out/same-process-$i.json"; done
stop_server
for i in $(seq "$N"); do
	start_server "$LIB"; run_load "$LIB" "$out/fresh-process-$i.json"; stop_server
done
for i in $(seq "$N"); do
	start_server "$LIB"; run_load "$LIB" "$out/paired-$LIB-$i.json"; stop_server
	start_server "$REF"; run_load "$REF" "$out/paired-$REF-$i.json"; stop_server
done

python3 - "$out" "$LIB" "$REF" "$N" <<'PY' | tee "$out/summary.txt"
import json, statistics, sys
out, lib, ref, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def rate(name):
    return json.load(open(f"{out}/{name}.json"))["msgs_per_sec"]
def line(what, xs):
    m = statistics.median(xs)
    cv = statistics.stdev(xs) / statistics.mean(xs)
    print(f"{what:<44} median {m:>10.0f}  spread {(max(xs)-min(xs))/m*100:5.1f}%  cv {cv*100:5.1f}%")
same = [rate(f"same-process-{i}") for i in range(1, n+1)]
fresh = [rate(f"fresh-process-{i}") for i in range(1, n+1)]
pl = [rate(f"paired-{lib}-{i}") for i in range(1, n+1)]
pr = [rate(f"paired-{ref}-{i}") for i in range(1, n+1)]
print(f"{lib}, echo closed loop, 1 KiB, 1,000 connections, {n} runs each (msgs/s)")
line("same server process, back to back", same)
line("a fresh server process per run", fresh)
line(f"paired rounds: {lib} alone", pl)
line(f"paired rounds: {ref} alone", pr)
line(f"paired rounds: {lib}/{ref} within each round", [a/b for a, b in zip(pl, pr)])
PY
