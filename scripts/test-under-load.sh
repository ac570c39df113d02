#!/usr/bin/env bash
# make test, N times in a row, while two busy loops occupy both CPUs: the
# suite must not depend on timing that a loaded machine breaks.
#
#   scripts/test-under-load.sh [N]      (default 5)
set -uo pipefail
cd "$(dirname "$0")/.."
n=${1:-5}
pids=()
for _ in 1 2; do
	(while :; do :; done) &
	pids+=($!)
done
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null' EXIT
for i in $(seq "$n"); do
	go clean -testcache # every run really runs the tests
	start=$(date +%s)
	if make test >"/tmp/test-under-load.$i.log" 2>&1; then
		echo "run $i/$n: passed in $(( $(date +%s) - start ))s"
	else
		echo "run $i/$n: FAILED after $(( $(date +%s) - start ))s; log: /tmp/test-under-load.$i.log"
		grep -E '^(--- FAIL|FAIL|panic)' "/tmp/test-under-load.$i.log" | head -20
		exit 1
	fi
done
