package slides

import (
	"fmt"
	"strings"

	"github.com/wsbench/wsbench/bench/analysis"
	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/format"
	"github.com/wsbench/wsbench/bench/record"
)

// bars draws a finding's ranking: its ranked entries in tier order, then
// the reference rows (ceiling, baselines), then the entries whose point is
// not valid, labelled with why; unit divides the figures.
func (s *story) bars(f *analysis.Finding, unit float64, fm func(float64) string) ([]bar, []*record.Cell) {
	r := f.Ranked()
	var rows []bar
	var cells []*record.Cell
	add := func(lib string, tier int, note string) {
		c := r.Cell(lib)
		if c == nil {
			return
		}
		v, ok := c.Median[r.Metric]
		if !ok {
			return
		}
		st := s.pal.Style(lib)
		text := fm(v / unit)
		if note != "" {
			text += " (" + note + ")"
		}
		rows = append(rows, bar{Label: lib, Value: v / unit, Lo: c.Min[r.Metric] / unit, Hi: c.Max[r.Metric] / unit,
			Color: st.Hex(), Dashed: len(st.Dash) > 0, Text: text, Tier: tier})
		cells = append(cells, c)
	}
	for _, p := range f.Ranking {
		add(p.Lib, p.Tier, "")
	}
	if len(f.Ranking) == 0 {
		for _, lib := range r.Members {
			add(lib, 0, "not ranked")
		}
	}
	for _, p := range f.References {
		add(p.Lib, 0, string(p.Role))
	}
	for _, x := range f.NotValid {
		add(x.Lib, 0, shortWhy(x.Why))
	}
	return rows, cells
}

// shortWhy is a reason in a few words for a bar label.
func shortWhy(why string) string {
	if i := strings.IndexAny(why, ":("); i > 0 {
		return strings.TrimSpace(why[:i])
	}
	return why
}

// figure is one bar-chart slide stating finding id.
func (s *story) figure(id, slideID, chartTitle, xLabel, lead string, unit float64, fm func(float64) string, notes ...string) *Slide {
	f := s.model.Finding(id)
	if f == nil || f.Ranked() == nil || f.ValidEntries+len(f.References)+len(f.NotValid) < 2 {
		return nil
	}
	rows, cells := s.bars(f, unit, fm)
	if len(rows) < 2 {
		return nil
	}
	ch := barChart{Title: chartTitle, XLabel: xLabel, YLabel: "server, by tier", Rows: rows, Fmt: fm}
	sl := &Slide{ID: slideID, Finding: f.ID, Title: f.Title, Chart: ch.svg(), Lead: lead}
	sl.Notes = append(append(notes, f.Notes...), tierNote(f))
	sl.Notes = append(sl.Notes, statusNotes(cells)...)
	sl.Notes = append(sl.Notes, s.common()...)
	return sl
}

func (s *story) throughput() []*Slide {
	sizes, conns := analysis.Axes(s.run, config.EchoClosed)
	if len(conns) == 0 {
		return nil
	}
	n := conns[len(conns)-1]
	spec := s.spec(config.EchoClosed)
	var out []*Slide
	for _, size := range sizes {
		sl := s.figure(analysis.IDThroughput(size), fmt.Sprintf("throughput-%s", sizeSlug(size)),
			fmt.Sprintf("Echo throughput, %s messages, %s connections, closed loop", fmtSize(size), fmtInt(n)),
			"messages per second (higher is better)",
			fmt.Sprintf("%s connections, %d messages in flight per WebSocket connection, 1 per HTTP connection", fmtInt(n), spec.Window),
			1, fmtCount,
			fmt.Sprintf("Closed loop: each WebSocket connection keeps %d echoes in flight, each HTTP/1.1 connection one request (no pipelining); binary %s messages; %s connections.", spec.Window, fmtSize(size), fmtInt(n)),
			"A throughput figure counts only when the server used at least 90% of its CPUs; otherwise the cell is client-bound, the figure a lower bound, and it is not ranked.")
		if sl != nil {
			out = append(out, sl)
		}
	}
	return out
}

func sizeSlug(n int) string { return strings.ReplaceAll(fmtSize(n), " ", "") }

func (s *story) spec(sc config.Scenario) config.Spec {
	if sp := s.run.Environment.Matrix.Spec(sc); sp != nil {
		return *sp
	}
	return config.Spec{Scenario: sc}
}

func (s *story) cpuPerMessage() *Slide {
	sizes, conns := analysis.Axes(s.run, config.EchoClosed)
	if len(sizes) == 0 {
		return nil
	}
	size, n := analysis.PreferredSize(sizes), conns[len(conns)-1]
	return s.figure(analysis.IDCPU(size), "cpu",
		fmt.Sprintf("Server CPU per message, %s echo, %s connections, closed loop", fmtSize(size), fmtInt(n)),
		"server CPU µs per message (lower is better)",
		"CPU time of the server process (from /proc) divided by messages echoed: the most robust cost figure",
		1, func(v float64) string { return trim(v, 3) + " µs" },
		"Server CPU per message = the server process's user+system CPU time during the measured interval ÷ messages echoed, read from /proc.",
		fmt.Sprintf("Closed loop at %s connections; an echo counts once (received and sent back).", fmtInt(n)))
}

func (s *story) memoryPerConn() *Slide {
	_, conns := analysis.Axes(s.run, config.Connect)
	if len(conns) == 0 {
		return nil
	}
	n := conns[len(conns)-1]
	spec := s.spec(config.Connect)
	return s.figure(analysis.IDMemory, "memory",
		fmt.Sprintf("Server memory per idle connection, %s connections", fmtInt(n)),
		"KiB of server RSS per connection (lower is better)",
		fmt.Sprintf("%s connections opened and held idle %s; RSS growth over the idle server, per connection", fmtInt(n), spec.Hold),
		1024, func(v float64) string { return trim(v, 3) + " KiB" },
		"RSS per connection = (server RSS with every connection open and idle − RSS before the first connection) ÷ connections, from /proc.",
		"It includes the goroutines, buffers and connection state each library keeps; Go's heap may hold on to freed memory, so it is an upper bound of what a connection needs.")
}

func (s *story) fanout() *Slide {
	sizes, conns := analysis.Axes(s.run, config.Broadcast)
	if len(sizes) == 0 {
		return nil
	}
	size, n := analysis.PreferredSize(sizes), conns[len(conns)-1]
	f := s.model.Finding(analysis.IDFanout)
	what := "p99"
	if f != nil && f.Metric == record.LastMax {
		what = "maximum"
	}
	spec := s.spec(config.Broadcast)
	return s.figure(analysis.IDFanout, "fanout",
		fmt.Sprintf("Broadcast: %s time to the last subscriber, %s messages, %s subscribers", what, fmtSize(size), fmtInt(n)),
		fmt.Sprintf("%s publish-to-last-receipt latency (lower is better)", what),
		fmt.Sprintf("1 publisher at %s msgs/s, every message to all %s subscribers", fmtCount(spec.Rate), fmtInt(n)),
		1, fmtUS,
		fmt.Sprintf("Time to the last subscriber: for each message, from its intended publish time to its receipt at the last subscriber to get it; the %s over the messages of a trial.", what),
		fmt.Sprintf("Each subscriber has a queue of 256 messages; a subscriber that falls further behind is dropped (close 1008). %s messages, %s subscribers, %s msgs/s published.", fmtSize(size), format.Int(n), fmtCount(spec.Rate)),
		"Only WebSocket transports are charted; polling, long polling and SSE are on the 5–10× slide.")
}
