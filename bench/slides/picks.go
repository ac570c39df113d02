package slides

import (
	"fmt"
	"slices"
	"strings"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/results"
	"github.com/wsbench/wsbench/bench/stats"
)

// Pick is one row of "which library for which job": the rule, stated,
// and the libraries of the best tier under it.
type Pick struct {
	Job    string
	Rule   string
	Libs   []string // best tier, best median first (the best median alone when the trials are too few to rank)
	Figure string   // the best library's figure
}

// candidates are the WebSocket libraries cells may pick from: never the
// baselines (rest, tcp), never an emulation transport.
func candidates(cells []*results.Cell) []*results.Cell {
	var out []*results.Cell
	for _, c := range cells {
		if !baselines[c.Lib] && isWebSocket(c) {
			out = append(out, c)
		}
	}
	return out
}

// best applies one rule: the best tier of cells by key.
func best(cells []*results.Cell, key string, higher bool) ([]string, *results.Cell) {
	cells = candidates(cells)
	if len(cells) == 0 {
		return nil, nil
	}
	order, tier := ranked(cells, key, higher)
	return leaders(order, tier), order[0]
}

// Picks derives the picks from the run by these rules, each left out when
// the run lacks its data.
func (s *story) Picks() []Pick {
	var out []Pick
	add := func(job, rule string, libs []string, c *results.Cell, fig string) {
		if len(libs) > 0 && c != nil {
			out = append(out, Pick{Job: job, Rule: rule, Libs: libs, Figure: fig})
		}
	}
	if sizes, conns := s.x.axes(config.EchoClosed); len(sizes) > 0 {
		size, n := preferSize(sizes), conns[len(conns)-1]
		cells := s.x.cells(config.EchoClosed, size, n, nil)
		libs, c := best(cells, results.MsgsPerSec, true)
		if c != nil {
			add("Raw echo throughput", fmt.Sprintf("most msgs/s, %s echo, closed loop", fmtSize(size)), libs, c, fmtCount(c.Median[results.MsgsPerSec])+" msgs/s")
		}
		cpu := s.x.cells(config.EchoClosed, size, n, func(c *results.Cell) bool { return c.Median[results.ServerCPUUSPerMsg] > 0 })
		libs, c = best(cpu, results.ServerCPUUSPerMsg, false)
		if c != nil {
			add("Most messages per core", fmt.Sprintf("lowest server CPU per message, %s echo", fmtSize(size)), libs, c, trim(c.Median[results.ServerCPUUSPerMsg], 3)+" µs/msg")
		}
	}
	if _, conns := s.x.axes(config.Connect); len(conns) > 0 {
		n := conns[len(conns)-1]
		cells := s.x.cells(config.Connect, 0, n, func(c *results.Cell) bool { return c.Median[results.ServerRSSPerConn] > 0 })
		libs, c := best(cells, results.ServerRSSPerConn, false)
		if c != nil {
			add("Many idle connections", fmt.Sprintf("lowest memory per idle connection at %s", fmtInt(n)), libs, c, fmtBytes(c.Median[results.ServerRSSPerConn])+"/conn")
		}
	}
	if o := s.openLoad(); o != nil && len(o.half) > 0 {
		var cells []*results.Cell
		for _, c := range o.half {
			if c.Median[results.LatP99] > 0 {
				cells = append(cells, c)
			}
		}
		libs, c := best(cells, results.LatP99, false)
		if c != nil {
			add("Steady latency", "best p99 at about 50% load ("+strings.TrimPrefix(o.halfDesc, "at ")+")", libs, c, "p99 "+fmtUS(c.Median[results.LatP99]))
		}
	}
	if sizes, conns := s.x.axes(config.Broadcast); len(sizes) > 0 {
		size, n := preferSize(sizes), conns[len(conns)-1]
		cells := s.x.cells(config.Broadcast, size, n, func(c *results.Cell) bool { return c.Median[results.LastP99] > 0 })
		libs, c := best(cells, results.LastP99, false)
		if c != nil {
			add("Broadcast fan-out", fmt.Sprintf("lowest p99 to the last of %s subscribers", fmtInt(n)), libs, c, "p99 "+fmtUS(c.Median[results.LastP99]))
		}
	}
	if s.conf != nil {
		var libs []string
		fewest := -1
		for _, l := range s.conf.Libs {
			if baselines[l.Name] || !l.Passes() {
				continue
			}
			switch ns := l.Counts["NON-STRICT"]; {
			case fewest < 0 || ns < fewest:
				fewest, libs = ns, []string{l.Name}
			case ns == fewest:
				libs = append(libs, l.Name)
			}
		}
		if len(libs) > 0 {
			slices.Sort(libs)
			out = append(out, Pick{Job: "Strict protocol", Rule: "passes conformance (no FAILED case), fewest NON-STRICT", Libs: libs,
				Figure: fmt.Sprintf("%d non-strict", fewest)})
		}
	}
	return out
}

// picks is the closing slide.
func (s *story) picks() *Slide {
	ps := s.Picks()
	if len(ps) == 0 {
		return nil
	}
	t := &Table{Header: []string{"job", "rule", "pick", "figure"}}
	var firsts []string
	for _, p := range ps {
		names := make([]string, len(p.Libs))
		for i, l := range p.Libs {
			names[i] = l
			if cl, ok := s.conf.lib(l); ok && !cl.Passes() {
				names[i] += fmt.Sprintf(" (fails %d conformance cases)", cl.Counts["FAILED"])
			}
		}
		t.Rows = append(t.Rows, []string{p.Job, p.Rule, strings.Join(names, ", "), p.Figure})
		if !slices.Contains(firsts, p.Libs[0]) {
			firsts = append(firsts, p.Libs[0])
		}
	}
	title := fmt.Sprintf("No library wins every job: %d different leaders for %d jobs", len(firsts), len(ps))
	if len(firsts) == 1 {
		title = fmt.Sprintf("%s is the pick for every job measured here", firsts[0])
	}
	lead := "Each pick is the best tier under its rule; ties are libraries the trials cannot separate"
	if s.run.Environment.Matrix.Trials > 0 && s.run.Environment.Matrix.Trials < stats.MinTrials {
		lead = fmt.Sprintf("Each pick is the best median under its rule: %d trials a cell are too few for a ranking test", s.run.Environment.Matrix.Trials)
	}
	sl := &Slide{ID: "picks", Title: title, Table: t, Lead: lead}
	sl.Notes = []string{
		"Rules, applied to this run's medians: each row lists the libraries of the best tier (bench/stats.Tiers over the trials), best median first.",
		"rest (the HTTP baseline) and tcp (the raw-TCP ceiling) are never picked; neither are SockJS's HTTP emulation transports.",
		"A row is left out when the run lacks its data (e.g. open-loop cells at several offered rates for steady latency, a conformance run for strict protocol).",
	}
	if s.conf != nil {
		sl.Notes = append(sl.Notes, "Conformance from "+s.conf.Name+"; a pick that failed conformance cases says so.")
	}
	sl.Notes = append(sl.Notes, s.common()...)
	return sl
}
