#!/usr/bin/env bash
# Open-loop latency of one library with the server under a cgroup CPU quota
# and the load generator spinning before each due time: the closed-loop
# capacity under the same quota, then open-loop points at 25% and 50% of it
# and at absolute rates, each with send lag, latency and the trial's
# verdict; plus two points with -spin 0 (sleep until due) for comparison.
# A fresh server per run, pinned to SERVER_CPU; the load generator pinned
# to CLIENT_CPU. Needs root (cgroup v1 cpu controller or cgroup v2), jq,
# curl, taskset and python3 (to pick a free port).
#
#   scripts/loadgen/spin-quota.sh [OUT_DIR]
#
# Environment: LIB (gorilla), CONNS (1000), SIZE (1024), QUOTA (0.5 CPU),
# PERIOD_US (10000), RATES ("5000 10000"), DURATION (3s), WARMUP (1s),
# SERVER_CPU (0), CLIENT_CPU (1), NICE (unset; e.g. -10 runs both processes
# at a higher priority, to approximate CPUs of their own on a machine that
# other work shares: say so beside the figures).
set -euo pipefail
LIB=${LIB:-gorilla} CONNS=${CONNS:-1000} SIZE=${SIZE:-1024}
QUOTA=${QUOTA:-0.5} PERIOD_US=${PERIOD_US:-10000}
RATES=${RATES:-"5000 10000"} DURATION=${DURATION:-3s} WARMUP=${WARMUP:-1s}
SERVER_CPU=${SERVER_CPU:-0} CLIENT_CPU=${CLIENT_CPU:-1}
prio=()
if [ -n "${NICE:-}" ]; then prio=(nice -n "$NICE"); fi
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/results/loadgen/$(date -u +%Y-%m-%d)-spin}
mkdir -p "$out"
bin=$(mktemp -d)
cg=""
srv=""
cleanup() {
	if [ -n "$srv" ]; then kill "$srv" 2>/dev/null || true; wait "$srv" 2>/dev/null || true; fi
	if [ -n "$cg" ]; then rmdir "$cg" 2>/dev/null || true; fi
	rm -rf "$bin"
}
trap cleanup EXIT INT TERM

(cd "$root" && go build -o "$bin/" ./cmd/servers ./cmd/loadgen)

# The quota's cgroup: v1's cpu controller, else v2.
quota_us=$(awk -v q="$QUOTA" -v p="$PERIOD_US" 'BEGIN { printf "%d", q * p }')
if [ -w /sys/fs/cgroup/cpu ]; then
	cg=/sys/fs/cgroup/cpu/wsbench-spin-$$
	mkdir "$cg"
	echo "$PERIOD_US" >"$cg/cpu.cfs_period_us"
	echo "$quota_us" >"$cg/cpu.cfs_quota_us"
elif grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; then
	cg=/sys/fs/cgroup/wsbench-spin-$$
	mkdir "$cg"
	echo "$quota_us $PERIOD_US" >"$cg/cpu.max"
else
	echo "spin-quota: no writable cgroup cpu controller (run as root)" >&2
	exit 1
fi

{
	echo "commit: $(git -C "$root" rev-parse HEAD)$(git -C "$root" diff --quiet || echo ' (modified)')"
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) CPUs"
	echo "kernel: $(uname -r)"
	echo "go: $(go version)"
	echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
	if [ -n "${NICE:-}" ]; then echo "priority: nice $NICE, server and load generator (the machine is shared)"; else echo "priority: default (the machine is shared)"; fi
	echo "server: $LIB on CPU $SERVER_CPU, GOMAXPROCS=1, cgroup CPU quota $QUOTA CPU per ${PERIOD_US} µs ($cg)"
	echo "load generator: CPU $CLIENT_CPU, $CONNS connections, $SIZE B, warm-up $WARMUP, measured $DURATION"
} >"$out/environment.txt"

# start_server starts a fresh server in the cgroup on a free port and
# waits for /healthz (a port taken in between: another one).
start_server() {
	for _ in 1 2 3; do
		port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		GOMAXPROCS=1 "${prio[@]}" taskset -c "$SERVER_CPU" "$bin/servers" -lib "$LIB" -addr "127.0.0.1:$port" >>"$out/server.log" 2>&1 &
		srv=$!
		echo "$srv" >"$cg/cgroup.procs"
		for _ in $(seq 100); do
			curl -fsS -m 1 "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
			kill -0 "$srv" 2>/dev/null || break
			sleep 0.1
		done
		stop_server 2>/dev/null || true
	done
	echo "spin-quota: server did not become healthy" >&2
	exit 1
}
stop_server() { kill "$srv" 2>/dev/null || true; wait "$srv" 2>/dev/null || true; srv=""; }

# run NAME LOADGEN_FLAGS...: one load generator run against a fresh server.
run() {
	local name=$1
	shift
	start_server
	GOMAXPROCS=1 "${prio[@]}" taskset -c "$CLIENT_CPU" "$bin/loadgen" -url "ws://127.0.0.1:$port" -conns "$CONNS" -size "$SIZE" \
		-warmup "$WARMUP" -duration "$DURATION" -server-pid "$srv" -server-cpus "$QUOTA" -json "$out/$name.json" "$@" \
		>"$out/$name.log" 2>&1 || true
	stop_server
}

run closed -window 4
capacity=$(jq -r .msgs_per_sec "$out/closed.json")
points=()
for pct in 25 50; do
	rate=$(awk -v c="$capacity" -v p="$pct" 'BEGIN { printf "%d", c * p / 100 }')
	run "open-at$pct" -rate "$rate"
	points+=("open-at$pct")
done
for rate in $RATES; do
	run "open-$rate" -rate "$rate"
	points+=("open-$rate")
done
# Sleeping until each due time, at the lowest rate (where the loop sleeps
# most) and at 25%.
low=${RATES%% *}
run "open-$low-nospin" -rate "$low" -spin 0
points+=("open-$low-nospin")
rate=$(awk -v c="$capacity" 'BEGIN { printf "%d", c / 4 }')
run "open-at25-nospin" -rate "$rate" -spin 0
points+=("open-at25-nospin")

{
	echo "closed loop under the quota: $capacity msgs/s, server CPU $(jq -r .server.cpu_util "$out/closed.json"), verdict $(jq -r '.verdict.status' "$out/closed.json")"
	echo
	echo "| point | offered/s | achieved/s | spin µs | send lag p50 µs | send lag p99 µs | latency p50 µs | latency p99 µs | server CPU | client CPU | verdict |"
	echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
	for p in "${points[@]}"; do
		jq -r --arg p "$p" '"| \($p) | \(.rate_target) | \(.rate_achieved) | \(.spin_us // 0) | \(.send_lag_us.p50) | \(.send_lag_us.p99) | \(.latency_us.p50) | \(.latency_us.p99) | \(.server.cpu_util) | \(.client.cpu_util) | \(.verdict.status)\(if .verdict.reason then ": " + .verdict.reason else "" end) |"' "$out/$p.json"
	done
	echo
	echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/summary.md"
