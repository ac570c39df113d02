#!/usr/bin/env bash
# Closed-loop echo against the same server by two clients in turn: the load
# generator, and refclient (gorilla's own client, a goroutine per
# connection, an echo answered the moment it arrives). Same server (fresh
# process each time), same pinning (server CPU 0, client CPU 1), same
# connections, window and size. Prints how evenly each client's
# connections were served (Jain's index, slowest/median/fastest connection)
# and the latency shape; the two should match when the load generator's
# refill pattern does not create a convoy of its own.
#
#   scripts/refclient/compare.sh [LIB] [TRIALS]     (needs jq and taskset)
set -euo pipefail
cd "$(dirname "$0")/../.."
lib=${1:-gorilla}
trials=${2:-3}
conns=1000 window=4 size=1024
tmp=$(mktemp -d)
srv=""
cleanup() { [ -n "$srv" ] && kill "$srv" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
go build -o "$tmp/" ./cmd/servers ./cmd/loadgen ./scripts/refclient
start() {
	port=$((20000 + RANDOM % 20000))
	GOMAXPROCS=1 taskset -c 0 "$tmp/servers" -lib "$lib" -addr "127.0.0.1:$port" >/dev/null 2>&1 &
	srv=$!
	for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.05; done
	echo "server did not start" >&2; exit 1
}
stop() { kill "$srv"; wait "$srv" 2>/dev/null || true; srv=""; }
echo "# $lib, $conns connections, window $window, $size B; server CPU 0, client CPU 1; $(date -u +%FT%TZ)"
echo "# $(go version | cut -d' ' -f3), $(uname -sr), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), commit $(git rev-parse --short HEAD)"
printf '%-8s %5s %10s %10s %10s %10s %7s %22s\n' client trial msgs/s p50_us p90_us p99_us jain "conn min/median/max"
for n in $(seq "$trials"); do
	start
	GOMAXPROCS=1 taskset -c 1 "$tmp/loadgen" -url "ws://127.0.0.1:$port" -conns $conns -window $window -size $size \
		-warmup 1s -duration 3s -json "$tmp/lg.json" >/dev/null 2>&1
	stop
	jq -r --arg n "$n" '[ "loadgen", $n, (.msgs_per_sec|floor), .latency_us.p50, .latency_us.p90, .latency_us.p99, .per_conn.jain,
		"\(.per_conn.min|floor)/\(.per_conn.p50|floor)/\(.per_conn.max|floor)" ] | @tsv' "$tmp/lg.json" |
		awk -F'\t' '{ printf "%-8s %5s %10s %10.0f %10.0f %10.0f %7.3f %22s\n", $1, $2, $3, $4, $5, $6, $7, $8 }'
	start
	GOMAXPROCS=1 taskset -c 1 "$tmp/refclient" -url "ws://127.0.0.1:$port/echo" -conns $conns -window $window -size $size \
		-warmup 1s -duration 3s >"$tmp/ref.json"
	stop
	jq -r --arg n "$n" '[ "refclient", $n, (.msgs_per_sec|floor), .latency_us.p50, .latency_us.p90, .latency_us.p99, .per_conn.jain,
		"\(.per_conn.min|floor)/\(.per_conn.p50|floor)/\(.per_conn.max|floor)" ] | @tsv' "$tmp/ref.json" |
		awk -F'\t' '{ printf "%-8s %5s %10s %10.0f %10.0f %10.0f %7.3f %22s\n", $1, $2, $3, $4, $5, $6, $7, $8 }'
done
