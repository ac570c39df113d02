package chatmatrix

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Findings states what a chat run shows, one sentence each, from its
// results only: per shape, the capacity order of the libraries whose
// search the server limited, or why there is none (fewer than half of the
// libraries ranked: a title is never built on a minority); for the crowd,
// the range of memory per connection and of the active connections' p99
// over the good runs; for the claim, where WebSocket's advantage over each
// REST variant is within 5-10× (ClaimFindings).
func Findings(res *Results) []string {
	var out []string
	for _, s := range res.Config.Shapes {
		var all, ranked []ShapeResult
		limits := map[string]int{}
		for _, sr := range res.Capacity {
			if sr.Shape.Name != s.Name {
				continue
			}
			all = append(all, sr)
			limits[sr.Capacity.Limit]++
			if sr.Capacity.Ranked {
				ranked = append(ranked, sr)
			}
		}
		if len(all) == 0 {
			continue
		}
		shape := fmt.Sprintf("%s (%d rooms × %d)", s.Name, s.Rooms, s.Members)
		if 2*len(ranked) < len(all) {
			out = append(out, fmt.Sprintf("%s: no capacity finding: %d of %d libraries ranked (limit: %s); one search per library on this machine.",
				shape, len(ranked), len(all), limitText(limits)))
			continue
		}
		slices.SortFunc(ranked, func(a, b ShapeResult) int {
			return cmp.Compare(b.Capacity.Delivered, a.Capacity.Delivered)
		})
		var parts []string
		for _, sr := range ranked {
			parts = append(parts, fmt.Sprintf("%s %.0f", sr.Lib, sr.Capacity.Delivered))
		}
		out = append(out, fmt.Sprintf("%s: capacity at delivery p99 ≤ %v, deliveries/s: %s (%d of %d ranked; one search each: an order, not tiers).",
			shape, res.Config.Search.P99, strings.Join(parts, ", "), len(ranked), len(all)))
	}
	for _, kind := range []string{"echo", "chat"} {
		var good []CrowdResult
		n := 0
		for _, c := range res.Crowd {
			if c.Kind != kind {
				continue
			}
			n++
			if c.Good {
				good = append(good, c)
			}
		}
		if n == 0 {
			continue
		}
		if 2*len(good) < n {
			out = append(out, fmt.Sprintf("Idle crowd, %s: no finding: %d of %d runs good (the others failed or the load generator fell behind).", kind, len(good), n))
			continue
		}
		lo, hi := extremes(good, func(c CrowdResult) float64 { return c.RSSPerConnBytes })
		plo, phi := extremes(good, func(c CrowdResult) float64 { return c.P99US })
		mem := fmt.Sprintf("%.1f KiB per connection (%s) to %.1f KiB (%s)", lo.RSSPerConnBytes/1024, lo.Lib, hi.RSSPerConnBytes/1024, hi.Lib)
		p99 := fmt.Sprintf("%.1f ms (%s) to %.1f ms (%s)", plo.P99US/1e3, plo.Lib, phi.P99US/1e3, phi.Lib)
		if len(good) == 1 {
			mem = fmt.Sprintf("%.1f KiB per connection (%s only)", lo.RSSPerConnBytes/1024, lo.Lib)
			p99 = fmt.Sprintf("%.1f ms (%s only)", plo.P99US/1e3, plo.Lib)
		}
		out = append(out, fmt.Sprintf("Idle crowd, %s (%d connections, %d active): server memory %s; p99 of the active %s; %d of %d runs good.",
			kind, good[0].Conns, good[0].Active, mem, p99, len(good), n))
	}
	if len(res.Claim) > 0 {
		out = append(out, ClaimFindings(Compare(res.Claim), res.Config.Claim.Variants)...)
	}
	return out
}

func limitText(limits map[string]int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(limits)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, limits[k]))
	}
	return strings.Join(parts, ", ")
}

// extremes are the runs with the lowest and highest f.
func extremes(rs []CrowdResult, f func(CrowdResult) float64) (lo, hi CrowdResult) {
	lo, hi = rs[0], rs[0]
	for _, r := range rs[1:] {
		if f(r) < f(lo) {
			lo = r
		}
		if f(r) > f(hi) {
			hi = r
		}
	}
	return lo, hi
}
