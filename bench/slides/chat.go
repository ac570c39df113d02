package slides

import (
	"fmt"
	"sort"
	"strings"

	"github.com/wsbench/wsbench/bench/analysis"
	"github.com/wsbench/wsbench/bench/chatmatrix"
)

// ChatSlides are the slides of the reference run's chat stage, one per
// chat finding of m (chatmatrix.ModelFindings), each titled with it: the
// capacity of every library in a shape, the idle crowd, the claim for
// chat against one REST variant. nil without a chat stage.
func ChatSlides(m *analysis.Model, res *chatmatrix.Results) []Slide {
	if res == nil {
		return nil
	}
	byID := map[string]*analysis.Finding{}
	for _, f := range m.Findings {
		if strings.HasPrefix(f.ID, chatmatrix.IDPrefix) {
			byID[f.ID] = f
		}
	}
	var out []Slide
	add := func(sl Slide, id string) {
		f := byID[id]
		if f == nil {
			return
		}
		sl.ID, sl.Title, sl.Finding = id, f.Title, id
		out = append(out, sl)
	}
	for _, s := range res.Config.Shapes {
		add(chatCapacitySlide(res, s), chatmatrix.FindingID(s.Name))
	}
	for _, kind := range []string{"echo", "chat"} {
		add(chatCrowdSlide(res, kind), chatmatrix.FindingID("Idle crowd, "+kind))
	}
	cmps := chatmatrix.Compare(res.Claim)
	for _, v := range res.Config.Claim.Variants {
		add(chatClaimSlide(cmps, v), chatmatrix.FindingID("Chat over REST "+v+" vs WebSocket at equal rates"))
	}
	return out
}

func chatCapacitySlide(res *chatmatrix.Results, s chatmatrix.Shape) Slide {
	sl := Slide{Lead: fmt.Sprintf("%d rooms of %d members, %d publishers: the highest delivered rate with delivery p99 ≤ %v, nothing lost", s.Rooms, s.Members, s.Publishers, res.Config.Search.P99),
		Table: &Table{Header: []string{"library", "deliveries/s"}}}
	var shape []chatmatrix.ShapeResult
	for _, sr := range res.Capacity {
		if sr.Shape.Name == s.Name {
			shape = append(shape, sr)
		}
	}
	// Highest capacity first, as the finding orders them.
	sort.SliceStable(shape, func(i, j int) bool { return shape[i].Capacity.Delivered > shape[j].Capacity.Delivered })
	for _, sr := range shape {
		c := fmtInt(int(sr.Capacity.Delivered))
		if !sr.Capacity.Ranked {
			c += " (" + sr.Capacity.Limit + ", not ranked)"
		}
		sl.Table.Rows = append(sl.Table.Rows, []string{sr.Lib, c})
	}
	sl.Table = sl.Table.folded()
	sl.Notes = []string{
		"One capacity search per library: the rate doubles to the first failure, then bisects; the delivered rate of the last good point is the figure.",
		"Limit p99: the server missed the bound (or lost messages). Limit client: the load generator fell behind first, so the figure is a lower bound and not ranked. Limit none: every point walked was good.",
		"Every delivery is verified: lost, duplicated and reordered messages fail a point.",
	}
	return sl
}

func chatCrowdSlide(res *chatmatrix.Results, kind string) Slide {
	cr := res.Config.Crowd
	sl := Slide{Lead: fmt.Sprintf("%s connections open, %s of them active (%s)", fmtInt(cr.Conns), fmtInt(cr.ActiveConns()), kind),
		Table: &Table{Header: []string{"library", "p99 (ms)", "KiB/conn"}}}
	var bad []string
	for _, c := range res.Crowd {
		if c.Kind != kind {
			continue
		}
		p99 := trim(c.P99US/1e3, 3)
		if !c.Good {
			p99 += " *"
			bad = append(bad, c.Lib+": "+c.Why+".")
		}
		sl.Table.Rows = append(sl.Table.Rows, []string{c.Lib, p99, trim(c.RSSPerConnBytes/1024, 3)})
	}
	sl.Table = sl.Table.folded()
	sl.Notes = append([]string{"p99 of the active connections, from the scheduled send time; KiB/conn is the server's RSS growth per open connection. * marks a run that was not good."}, bad...)
	return sl
}

func chatClaimSlide(cmps []chatmatrix.Comparison, variant string) Slide {
	sl := Slide{Lead: "The same rooms over the REST baseline (" + variant + ") against WebSocket chat at the same publish rate: REST ÷ WebSocket",
		Table: &Table{Header: []string{"shape", "publishes/s", "delivery p50", "delivery p99", "server CPU per delivery", "wire bytes per delivery"}}}
	for _, c := range cmps {
		if c.Variant != variant {
			continue
		}
		f := func(v float64) string {
			if v <= 0 {
				return "–"
			}
			return trim(v, 2) + "×"
		}
		sl.Table.Rows = append(sl.Table.Rows, []string{c.Shape, trim(c.Rate, 3), f(c.Factor.P50US), f(c.Factor.P99US), f(c.Factor.CPUUSPerMsg), f(c.Factor.WireBytesPerMsg)})
	}
	sl.Notes = []string{"WebSocket figures are the median over the WebSocket libraries measured at that shape and rate; a factor above 1 is WebSocket's advantage."}
	return sl
}

// foldAt is the most rows a slide table shows as one column of entries;
// longer tables are folded into two side by side.
const foldAt = 7

// folded is t with its rows in two columns of entries side by side (the
// header repeated) when it has more than foldAt rows, so that a table of
// every library fits a slide; t itself otherwise.
func (t *Table) folded() *Table {
	if len(t.Rows) <= foldAt {
		return t
	}
	half := (len(t.Rows) + 1) / 2
	out := &Table{Header: append(append([]string{}, t.Header...), t.Header...)}
	for i := 0; i < half; i++ {
		row := append([]string{}, t.Rows[i]...)
		if j := i + half; j < len(t.Rows) {
			row = append(row, t.Rows[j]...)
		} else {
			row = append(row, make([]string, len(t.Header))...)
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}
