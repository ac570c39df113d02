package report

import (
	"fmt"
	"slices"

	"github.com/wsbench/wsbench/bench/analysis"
	"github.com/wsbench/wsbench/bench/format"
	"github.com/wsbench/wsbench/bench/record"
)

// HeadlineRows are the rows the claim's chart and the deck show: each way
// of doing without WebSocket, at each size, in its first metric only (the
// group's own: throughput for request/response, p50 delivery for push), at
// the largest connection count. A row whose first metric has no ratio
// stays out; no other metric takes its place.
func (cl *Claim) HeadlineRows() []ClaimRow {
	var rows []ClaimRow
	for _, r := range cl.Rows {
		if r.headline {
			rows = append(rows, r)
		}
	}
	return rows
}

// HeadlineIndex is the index of the headline library in each row's Refs,
// -1 when there is none.
func (cl *Claim) HeadlineIndex() int { return slices.Index(cl.Refs, cl.Headline) }

// RatioText says a ratio in the direction it points: "WebSocket 2.1×
// better", "REST 1.5× better"; never "2.1× weaker" for a WebSocket lead.
func RatioText(r ClaimRatio, side string) string {
	switch {
	case r.Verdict == VerdictNoData:
		return VerdictNoData
	case r.Ratio >= 1:
		return fmt.Sprintf("WebSocket %s better (claim: %s–%s)", format.Ratio(r.Ratio), format.Trim(ClaimLow, 2), format.Ratio(ClaimHigh))
	}
	return fmt.Sprintf("%s %s better", side, format.Ratio(1/r.Ratio))
}

// ClaimFinding is the claim's finding: how many of the headline rows put
// WebSocket 5× ahead or more, over the rows that have a ratio.
func ClaimFinding(run *record.Run) *analysis.Finding {
	cl := BuildClaim(run)
	f := &analysis.Finding{ID: analysis.IDClaim, Metric: "ratio", Ranking: []analysis.Place{}}
	hi := cl.HeadlineIndex()
	if cl.Missing != "" || hi < 0 {
		f.Title = "The 5–10× claim could not be tested in this run"
		return f
	}
	counts := map[string]int{}
	n := 0
	for _, r := range cl.HeadlineRows() {
		if hi >= len(r.Refs) || r.Refs[hi].Verdict == VerdictNoData {
			continue
		}
		counts[r.Refs[hi].Verdict]++
		n++
	}
	f.TotalEntries, f.ValidEntries = len(cl.HeadlineRows()), n
	if n == 0 {
		f.Title = "The 5–10× claim: no comparison had data on both sides"
		return f
	}
	in := counts[VerdictHolds] + counts[VerdictStronger]
	f.Title = fmt.Sprintf("WebSocket (%s) is 5× better or more in %d of %d comparisons", cl.Headline, in, n)
	var rest []string
	if k := counts[VerdictWeaker]; k > 0 {
		rest = append(rest, fmt.Sprintf("%d between 1× and 5×", k))
	}
	if k := counts[VerdictReversed]; k > 0 {
		rest = append(rest, fmt.Sprintf("%d in REST's favour", k))
	}
	if len(rest) > 0 {
		f.Title += "; " + format.List(rest)
	}
	return f
}
