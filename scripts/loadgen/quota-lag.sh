#!/usr/bin/env bash
# Which server CPU quota lets the load generator keep the open-loop
# schedule at 25% and 50% of each library's capacity? For each quota and
# CFS period in CONFIGS, one `bench` run of closed-loop and open-loop echo
# (1 KiB, 1,000 connections) for LIBS, then a table per run: each open-loop
# cell's offered rate, status, the load generator's send lag p99 per trial,
# the latency p99 and the foreign CPU reading per trial.
#
#   scripts/loadgen/quota-lag.sh [OUT_DIR]
#
# Environment: LIBS (gorilla,gws,nbio,coder), TRIALS (3), CONFIGS
# ("0.5:10ms 0.25:10ms 0.25:4ms", quota:period). Needs what `make bench`
# needs (a cgroup CPU controller for the quota) and python3.
set -euo pipefail
LIBS=${LIBS:-gorilla,gws,nbio,coder} TRIALS=${TRIALS:-3}
CONFIGS=${CONFIGS:-"0.5:10ms 0.25:10ms 0.25:4ms"}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/results/loadgen/$(date -u +%Y-%m-%d)-quota}
mkdir -p "$out"
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
(cd "$root" && go build -o "$bin/" ./cmd/servers ./cmd/loadgen ./cmd/bench)
for cfg in $CONFIGS; do
	quota=${cfg%%:*} period=${cfg#*:}
	name=q$quota-p$period
	(cd "$root" && "$bin/bench" -libs "$LIBS" -scenarios echo-closed,echo-open -sizes 1024 -trials "$TRIALS" \
		-no-drift -no-variants -server-cpu-quota "$quota" -quota-period "$period" \
		-results "$out" -name "$name" -loadgen-bin "$bin/loadgen") >"$out/$name.log" 2>&1
	python3 - "$out/$name/results.json" "$quota CPU per $period" <<'PY' | tee -a "$out/summary.txt"
import json, sys
run = json.load(open(sys.argv[1]))
print("== quota", sys.argv[2], "commit", run["environment"]["git_commit"][:7])
for c in run["cells"]:
    if c["scenario"] != "echo-open":
        continue
    res = [t.get("result") or {} for t in c["trials"]]
    lag = [round((r.get("send_lag_us") or {}).get("p99", 0)) for r in res]
    foreign = [(r.get("foreign") or {}).get("cpu_util") for r in res]
    p99 = round((c.get("median") or {}).get("latency_p99_us", 0))
    print(f"{c['id']:<42} {c.get('rate', 0):>7.0f}/s {c['status']:<14} lag p99 µs {lag}  latency p99 µs {p99}  foreign CPU {foreign}")
PY
done
