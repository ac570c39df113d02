package slides

import (
	"fmt"
	"slices"
	"strings"

	"github.com/wsbench/wsbench/bench/analysis"
	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/record"
)

// latencyVsLoad draws every server's p99 against the offered rate (its
// own @N% points and the absolute rates all servers meet) and states the
// deck's latency finding (analysis.DeckLatency).
func (s *story) latencyVsLoad() *Slide {
	f := analysis.DeckLatency(s.model)
	sizes, cs := analysis.Axes(s.run, config.EchoOpen)
	if f == nil || len(sizes) == 0 {
		return nil
	}
	size, conns := analysis.PreferredSize(sizes), cs[len(cs)-1]
	byLib := map[string][]*record.Cell{}
	var rates []float64
	for i := range s.run.Cells {
		c := &s.run.Cells[i]
		if c.Extra || c.Scenario != config.EchoOpen || c.PayloadBytes != size || c.Conns != conns || !usable(c) {
			continue
		}
		r := offeredRate(c)
		if r <= 0 {
			continue
		}
		byLib[c.Lib] = append(byLib[c.Lib], c)
		if c.Load == 0 && !slices.Contains(rates, r) {
			rates = append(rates, r)
		}
	}
	slices.Sort(rates)
	// Series: the finding's ranking first, in tier order, then the others
	// by name.
	var libs []string
	tier := map[string]int{}
	for _, p := range f.Ranking {
		libs = append(libs, p.Lib)
		tier[p.Lib] = p.Tier
	}
	var others []string
	for lib := range byLib {
		if !slices.Contains(libs, lib) {
			others = append(others, lib)
		}
	}
	slices.Sort(others)
	libs = append(libs, others...)
	ch := lineChart{Title: fmt.Sprintf("Echo p99 latency against offered load, %s messages, %s connections, open loop", fmtSize(size), fmtInt(conns)),
		XLabel: "offered load (messages per second)", YLabel: "p99 latency (log scale, lower is better)", LogY: true, FmtX: fmtCount, FmtY: fmtUS}
	anyHollow := false
	for _, lib := range libs {
		cells := byLib[lib]
		slices.SortFunc(cells, func(a, b *record.Cell) int { return cmpF(offeredRate(a), offeredRate(b)) })
		name := lib
		if t, ok := tier[lib]; ok {
			name = fmt.Sprintf("T%d %s", t, lib)
		}
		se := series{Name: name, Style: s.pal.Style(lib)}
		for _, c := range cells {
			if v, ok := c.Median[record.LatP99]; ok && v > 0 {
				h := !analysis.PointValidity(c, record.LatP99).Valid
				anyHollow = anyHollow || h
				se.Points = append(se.Points, point{X: offeredRate(c), Y: v, Hollow: h})
			}
		}
		if len(se.Points) > 0 {
			ch.Series = append(ch.Series, se)
		}
	}
	if len(ch.Series) == 0 {
		return nil
	}
	if anyHollow {
		ch.Note = "hollow: not valid"
	}
	sl := &Slide{ID: "latency-load", Finding: f.ID, Title: f.Title, Chart: ch.svg(),
		Lead: "p99 from HDR histograms, counted from each message's intended send time; hollow: the load generator could not keep the schedule"}
	sl.Notes = []string{
		fmt.Sprintf("Open loop: %s connections share a fixed offered rate; latency is measured from the intended send time, so a stalled server cannot hide its queue (coordinated omission corrected). Rates every server meets: %s msgs/s; each server also runs at 25%% and 50%% of its own closed-loop capacity.", fmtInt(conns), joinRates(rates)),
		"Servers are compared only at the same absolute offered rate; the title ranks them at the lowest such rate where enough points are valid.",
		"Hollow points are not valid: the load generator could not keep its schedule there (rate short or late sends), so the point says more about the client, or an overloaded server, than about latency.",
	}
	if sp := s.run.Environment.Split; sp.ServerCPUQuota > 0 {
		sl.Notes = append(sl.Notes, fmt.Sprintf("Open-loop servers ran under a CPU quota of %s CPU per %s ms (a cgroup, as a container CPU limit), so that the load generator on its own CPU keeps every rate; the latencies include the quota's throttling.", trim(sp.ServerCPUQuota, 2), trim(sp.QuotaPeriodMS, 2)))
	} else if sp.QuotaNote != "" {
		sl.Notes = append(sl.Notes, "No CPU quota on the open-loop servers: "+sp.QuotaNote+".")
	}
	sl.Notes = append(sl.Notes, tierNote(f))
	for _, lib := range libs {
		sl.Notes = append(sl.Notes, statusNotes(byLib[lib])...)
	}
	sl.Notes = append(sl.Notes, s.common()...)
	return sl
}

func joinRates(r []float64) string {
	var s []string
	for _, x := range r {
		s = append(s, fmtCount(x))
	}
	return strings.Join(s, ", ")
}

func cmpF(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
