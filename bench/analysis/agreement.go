package analysis

import (
	"slices"
	"sort"

	"github.com/wsbench/wsbench/bench/stats"
)

// Agreement is how two runs' deck rankings agree.
type Agreement struct {
	// Contradictions counts the pairs of entries that one run places in
	// a better tier and the other run in a worse one, over every ranking
	// the deck shows (stats.Contradictions).
	Contradictions int `json:"contradictions"`
	// MedianReversals counts, more strictly, the pairs that one run
	// places in different tiers and the other run orders the opposite
	// way by median, even within one tier.
	MedianReversals int `json:"median_reversals"`
	// FindingsChanged are the deck findings whose leading set (the
	// entries the title names as leading) differs between the runs,
	// including one ranked in one run and not in the other.
	FindingsChanged []FindingChange `json:"findings_changed"`
	// Rankings are the deck rankings compared, by finding ID.
	Rankings []string `json:"rankings"`
}

// FindingChange is one finding whose leading set moved.
type FindingChange struct {
	ID string   `json:"id"`
	A  []string `json:"a"`
	B  []string `json:"b"`
}

// Agree compares the deck rankings of two models. A finding the deck of
// only one run shows (another offered rate, say) counts as changed.
func Agree(a, b *Model) Agreement {
	ag := Agreement{FindingsChanged: []FindingChange{}}
	fa, fb := DeckRankings(a), DeckRankings(b)
	ids := map[string][2]*Finding{}
	var order []string
	for _, f := range fa {
		ids[f.ID] = [2]*Finding{f, nil}
		order = append(order, f.ID)
	}
	for _, f := range fb {
		p, ok := ids[f.ID]
		if !ok {
			order = append(order, f.ID)
		}
		ids[f.ID] = [2]*Finding{p[0], f}
	}
	for _, id := range order {
		p := ids[id]
		ag.Rankings = append(ag.Rankings, id)
		var la, lb []string
		if p[0] != nil {
			la = sortedCopy(p[0].Leading)
		}
		if p[1] != nil {
			lb = sortedCopy(p[1].Leading)
		}
		if p[0] == nil || p[1] == nil || !slices.Equal(la, lb) {
			ag.FindingsChanged = append(ag.FindingsChanged, FindingChange{ID: id, A: la, B: lb})
		}
		if p[0] == nil || p[1] == nil || len(p[0].Ranking) == 0 || len(p[1].Ranking) == 0 {
			continue
		}
		ra, rb := p[0].ranked.Stats, p[1].ranked.Stats
		ag.Contradictions += stats.Contradictions(ra, rb)
		ag.MedianReversals += medianReversals(ra, rb) + medianReversals(rb, ra)
	}
	return ag
}

// medianReversals counts the pairs a separates by tier that b orders the
// other way by median.
func medianReversals(a, b stats.Ranking) int {
	ta := stats.TierOf(a.Tiers)
	n := 0
	for x, tx := range ta {
		for y, ty := range ta {
			if tx >= ty {
				continue
			}
			mx, okx := b.Medians[x]
			my, oky := b.Medians[y]
			if !okx || !oky || mx == my {
				continue
			}
			if (mx > my) != b.HigherIsBetter {
				n++
			}
		}
	}
	return n
}

func sortedCopy(xs []string) []string {
	out := slices.Clone(xs)
	sort.Strings(out)
	if out == nil {
		out = []string{}
	}
	return out
}
