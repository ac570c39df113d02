#!/usr/bin/env bash
# The load generator's open-loop target, measured: gorilla, 1 KiB, 1,000
# connections, offered 60% of gorilla's closed-loop capacity from the same
# run, server and load generator pinned one CPU each. Runs the matrix in
# target.json twice, with the load generator of REV (default: the commit
# before the event-loop rework) and with the current one, into
# results/loadgen/. Compare the two REPORT.md files (client CPU, sent/s,
# send lag p99 and latency p99 of the 60% cell).
#
#   scripts/loadgen/target.sh [REV]
set -euo pipefail
cd "$(dirname "$0")/../.."
rev=${1:-db583a4}
tmp=$(mktemp -d)
trap 'git worktree remove --force "$tmp/old" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
git worktree add --detach "$tmp/old" "$rev" >/dev/null
(cd "$tmp/old" && go build -o "$tmp/loadgen-old" ./loadgen)
go build -o "$tmp/" ./cmd/servers ./cmd/loadgen
stamp=$(date +%Y-%m-%dT%H%M%S)
go run ./cmd/bench -config scripts/loadgen/target.json -results results/loadgen -name "$stamp-before-$rev" \
	-servers-bin "$tmp/servers" -loadgen-bin "$tmp/loadgen-old"
go run ./cmd/bench -config scripts/loadgen/target.json -results results/loadgen -name "$stamp-after" \
	-servers-bin "$tmp/servers" -loadgen-bin "$tmp/loadgen"
