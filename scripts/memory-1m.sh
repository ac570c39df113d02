#!/usr/bin/env bash
# Server memory per idle connection of a run's connect cells, and the same
# multiplied by 1,000,000: an extrapolation (it assumes memory grows
# linearly with connections, and ignores the kernel's own per-socket
# memory, which RSS does not show). The library cells only: the compression
# cells (extra) hold connections that have echoed a message.
#
#   scripts/memory-1m.sh results/<run>        (needs jq)
set -euo pipefail
run=${1:?usage: scripts/memory-1m.sh results/<run>}
echo "| library | server RSS per idle connection, measured at N connections | × 1,000,000 connections (extrapolated) |"
echo "| --- | --- | --- |"
jq -r '.cells[] | select(.scenario == "connect" and (.extra // false) == false and .median != null and .median.server_rss_per_conn_bytes != null)
	| [.median.server_rss_per_conn_bytes, .lib, .conns] | @tsv' "$run/results.json" |
	sort -g | awk -F'\t' '{ printf "| %s | %.2f KiB at %d | %.1f GiB |\n", $2, $1/1024, $3, $1*1e6/2^30 }'
