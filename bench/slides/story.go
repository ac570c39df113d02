package slides

import (
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/palette"
	"github.com/wsbench/wsbench/bench/report"
	"github.com/wsbench/wsbench/bench/results"
	"github.com/wsbench/wsbench/bench/stats"
)

// Deck is the talk: slides made from one run by the rules below. Every
// number in it comes from the run; a slide whose data the run lacks is
// left out.
type Deck struct {
	Run     string
	Date    string
	Machine string
	Slides  []Slide
}

// Slide is one page of the deck.
type Slide struct {
	ID      string
	Title   string   // the finding, as a sentence
	Lead    string   // one line under the title
	Bullets []string // text slides
	Chart   template.HTML
	Table   *Table
	Notes   []string // speaker notes: the conditions and caveats
}

// Table is a small table on a slide.
type Table struct {
	Header []string
	Rows   [][]string
}

// story holds what the rules share.
type story struct {
	run  *results.Run
	x    *index
	pal  *palette.Palette
	conf *Conformance
	date string
}

// Build makes the deck of run. conf may be nil (no conformance run).
func Build(run *results.Run, conf *Conformance) *Deck {
	s := &story{run: run, x: newIndex(run), conf: conf}
	s.pal = palette.New(s.x.libs)
	s.date = run.StartedAt
	if t, err := time.Parse(time.RFC3339, run.StartedAt); err == nil {
		s.date = t.UTC().Format("2006-01-02")
	}
	e := run.Environment
	d := &Deck{Run: run.Name, Date: s.date, Machine: fmt.Sprintf("%s, %d cores", e.CPUModel, e.Cores)}
	if sp := e.Split; len(sp.ServerCPUs) > 0 {
		d.Machine += fmt.Sprintf(" (server CPU %s, load generator CPU %s)", cpuList(sp.ServerCPUs), cpuList(sp.ClientCPUs))
	}
	add := func(sl ...*Slide) {
		for _, x := range sl {
			if x != nil {
				d.Slides = append(d.Slides, *x)
			}
		}
	}
	add(s.question(), s.setup())
	add(s.throughput()...)
	add(s.latencyVsLoad(), s.cpuPerMessage(), s.memoryPerConn(), s.fanout(), s.verdict(), s.conformance(), s.picks())
	return d
}

func cpuList(c []int) string {
	var s []string
	for _, n := range c {
		s = append(s, fmt.Sprint(n))
	}
	return strings.Join(s, ",")
}

// common are the notes every figure carries.
func (s *story) common() []string {
	m := s.run.Environment.Matrix
	n := []string{fmt.Sprintf("Each figure is the median of %d trials (%s warm-up excluded, %s measured), each against a freshly started server; whiskers are min–max.",
		m.Trials, m.Warmup, m.Duration)}
	return append(n, report.Warnings(s.run)...)
}

// statusNotes lists the cells of a figure that are not plain ok.
func statusNotes(cells []*results.Cell) []string {
	var n []string
	for _, c := range cells {
		if c.Status != results.StatusOK && c.Reason != "" {
			n = append(n, fmt.Sprintf("%s is %s: %s.", c.Lib, c.Status, c.Reason))
		}
	}
	return n
}

// tierNote states the tier rule (bench/stats.Tiers) for a figure made
// from cells, and when their trials are too few for it to separate
// anything, says so.
func tierNote(cells []*results.Cell) string {
	n := fmt.Sprintf("Libraries are ordered by tier (T1 best): going down by median, a library opens a new tier when a Mann–Whitney U test over the trials separates it from the best of the current tier (p < %g); otherwise the trials cannot tell them apart and they share a tier.", stats.Alpha)
	for _, c := range cells {
		if len(c.Trials) < stats.MinTrials {
			return n + fmt.Sprintf(" Some cells here have fewer than %d trials, too few for the test to separate anything (they all share T1): the order and the title rest on medians only.", stats.MinTrials)
		}
	}
	return n
}

func (s *story) question() *Slide {
	var ws []string
	for _, l := range s.x.libs {
		if !baselines[l] {
			ws = append(ws, l)
		}
	}
	sl := &Slide{ID: "question", Title: "Is WebSocket 5–10× faster than REST, and which Go library should you use?",
		Lead: fmt.Sprintf("%d Go WebSocket libraries measured side by side", len(ws))}
	if slices.Contains(s.x.libs, "rest") {
		sl.Lead += ", against an HTTP baseline"
	}
	sl.Bullets = []string{"Libraries: " + strings.Join(ws, ", ")}
	if slices.Contains(s.x.libs, "rest") {
		sl.Bullets = append(sl.Bullets, "Baseline: rest (net/http): POST echo, polling, long polling, Server-Sent Events")
	}
	if slices.Contains(s.x.libs, "tcp") {
		sl.Bullets = append(sl.Bullets, "Ceiling: tcp, raw TCP framing without WebSocket")
	}
	sl.Notes = []string{"The question as people ask it; every later slide answers one part of it from run " + s.run.Name + "."}
	return sl
}

func (s *story) setup() *Slide {
	e := s.run.Environment
	pinned := "pinned with taskset"
	if !e.Split.Pinned {
		pinned = "not pinned: " + e.Split.Note
	}
	sl := &Slide{ID: "setup",
		Title: fmt.Sprintf("One %d-core machine, server and load generator on separate CPUs", e.Cores),
		Lead:  fmt.Sprintf("%s · Linux %s · %s · %s", e.CPUModel, e.Kernel, e.GoVersion, s.date),
		Bullets: []string{
			fmt.Sprintf("Server on CPU %s, load generator on CPU %s (%s), GOMAXPROCS = CPUs given", cpuList(e.Split.ServerCPUs), cpuList(e.Split.ClientCPUs), pinned),
			"Closed loop (messages in flight per connection) measures throughput; open loop (a fixed offered rate) measures latency from each message's intended send time",
			"One load generator for every server; every message checked (sequence, checksum); a lost, duplicated or reordered message fails the cell",
			fmt.Sprintf("%d trials per cell, interleaved; the median is shown with min–max; %d cells in this run", e.Matrix.Trials, len(s.run.Cells)),
		},
	}
	sl.Notes = append([]string{fmt.Sprintf("Run %s, commit %s, started %s, took %.0f s.", s.run.Name, e.GitCommit, s.run.StartedAt, s.run.ElapsedS)}, s.common()...)
	return sl
}

// barsOf makes bar rows of cells ordered by tier.
func (s *story) barsOf(cells []*results.Cell, key string, higher bool, unit float64, f func(float64) string) ([]bar, map[string]int, []*results.Cell) {
	order, tier := ranked(cells, key, higher)
	var rows []bar
	for _, c := range order {
		st := s.pal.Style(c.Lib)
		text := f(c.Median[key] / unit)
		if c.Status != results.StatusOK {
			text += " (" + c.Status + ")"
		}
		rows = append(rows, bar{Label: c.Lib, Value: c.Median[key] / unit, Lo: c.Min[key] / unit, Hi: c.Max[key] / unit,
			Color: st.Hex(), Dashed: len(st.Dash) > 0, Text: text, Tier: tier[c.Lib]})
	}
	return rows, tier, order
}

// leaders are the best-tier libraries of order that are not baselines.
// When the trials are too few for the tier test to separate anything
// (underpowered), it is the library with the best median alone.
func leaders(order []*results.Cell, tier map[string]int) []string {
	best := 0
	var out []string
	for _, c := range order {
		if baselines[c.Lib] {
			continue
		}
		if best == 0 {
			best = tier[c.Lib]
		}
		if tier[c.Lib] == best {
			out = append(out, c.Lib)
		}
		if underpowered(order) {
			break
		}
	}
	return out
}

// underpowered reports whether a cell of the figure has fewer trials than
// the tier test needs to separate two libraries at all.
func underpowered(cells []*results.Cell) bool {
	for _, c := range cells {
		if len(c.Trials) < stats.MinTrials {
			return true
		}
	}
	return false
}

// byMedian ends a title whose order rests on medians alone.
func byMedian(order []*results.Cell) string {
	if underpowered(order) {
		return fmt.Sprintf(" (by median: under %d trials, no ranking test)", stats.MinTrials)
	}
	return ""
}

func firstNonBaseline(order []*results.Cell) *results.Cell {
	for _, c := range order {
		if !baselines[c.Lib] {
			return c
		}
	}
	return nil
}

func (s *story) throughput() []*Slide {
	sizes, conns := s.x.axes(config.EchoClosed)
	if len(conns) == 0 {
		return nil
	}
	n := conns[len(conns)-1]
	spec := s.spec(config.EchoClosed)
	var out []*Slide
	for _, size := range sizes {
		cells := s.x.cells(config.EchoClosed, size, n, nil)
		if len(cells) < 2 {
			continue
		}
		rows, tier, order := s.barsOf(cells, results.MsgsPerSec, true, 1, fmtCount)
		lead := leaders(order, tier)
		top := firstNonBaseline(order)
		if top == nil {
			continue
		}
		var title string
		if len(lead) == 1 {
			title = fmt.Sprintf("%s leads %s echo at %s msgs/s", top.Lib, fmtSize(size), fmtCount(top.Median[results.MsgsPerSec])) + byMedian(order)
		} else {
			title = fmt.Sprintf("%s share the lead on %s echo (up to %s msgs/s)", who(lead), fmtSize(size), fmtCount(top.Median[results.MsgsPerSec]))
		}
		ch := barChart{
			Title:  fmt.Sprintf("Echo throughput, %s messages, %s connections, closed loop", fmtSize(size), fmtInt(n)),
			XLabel: "messages per second (higher is better)", YLabel: "library, by tier",
			Rows: rows, Fmt: fmtCount,
		}
		sl := &Slide{ID: fmt.Sprintf("throughput-%s", sizeSlug(size)), Title: title, Chart: ch.svg(),
			Lead: fmt.Sprintf("%s connections, %d messages in flight per WebSocket connection, 1 per HTTP connection", fmtInt(n), spec.Window)}
		sl.Notes = append([]string{
			fmt.Sprintf("Closed loop: each WebSocket connection keeps %d echoes in flight, each HTTP/1.1 connection one request (no pipelining); binary %s messages; %s connections.", spec.Window, fmtSize(size), fmtInt(n)),
			"A throughput figure counts only when the server used at least 90% of its CPUs; otherwise the cell is client-bound and the figure a lower bound.",
			tierNote(order),
		}, statusNotes(order)...)
		if slices.Contains(s.x.libs, "tcp") {
			sl.Notes = append(sl.Notes, "tcp is raw TCP framing, a ceiling for what the machine can do, not a WebSocket library.")
		}
		sl.Notes = append(sl.Notes, s.common()...)
		out = append(out, sl)
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

// preferSize is 1 KiB when the run has it, else the size nearest to it.
func preferSize(sizes []int) int { return nearest(sizes, 1024) }

// openLoad gathers the open-loop cells at one size (1 KiB or the
// nearest) and the largest connection count, per library in rate order.
// There is a chart only with two offered rates or more.
type openLoad struct {
	size, conns int
	byLib       map[string][]*results.Cell
	rates       []float64
	// half is each library's point at about half its capacity, the one the
	// libraries are ranked at: the cell whose Load is nearest 0.5 when the
	// run offered loads as fractions of each library's own closed-loop
	// capacity; else the cell at the common offered rate nearest half the
	// median closed-loop throughput of the WebSocket libraries. A point
	// outside a quarter to three quarters of capacity, or client-limited,
	// is not ranked.
	half     map[string]*results.Cell
	halfDesc string // "at 50% of each library's capacity", "at 15k msgs/s offered"
	halfNote string // how half was chosen, for the notes
}

func (s *story) openLoad() *openLoad {
	sizes, cs := s.x.axes(config.EchoOpen)
	if len(sizes) == 0 {
		return nil
	}
	o := &openLoad{size: preferSize(sizes), conns: cs[len(cs)-1], byLib: map[string][]*results.Cell{}, half: map[string]*results.Cell{}}
	withLoad := false
	for _, c := range s.x.cells(config.EchoOpen, o.size, o.conns, nil) {
		r := offeredRate(c)
		if r <= 0 {
			continue
		}
		o.byLib[c.Lib] = append(o.byLib[c.Lib], c)
		if !slices.Contains(o.rates, r) {
			o.rates = append(o.rates, r)
		}
		withLoad = withLoad || c.Load > 0
	}
	slices.Sort(o.rates)
	for _, cells := range o.byLib {
		slices.SortFunc(cells, func(a, b *results.Cell) int { return cmpF(offeredRate(a), offeredRate(b)) })
	}
	if len(o.rates) < 2 {
		return nil
	}
	if withLoad {
		for lib, cells := range o.byLib {
			var best *results.Cell
			for _, c := range cells {
				if c.Load > 0 && (best == nil || absF(c.Load-0.5) < absF(best.Load-0.5)) {
					best = c
				}
			}
			if best != nil && best.Load >= 0.25 && best.Load <= 0.75 && !clientLimited(best) {
				o.half[lib] = best
			}
		}
		o.halfDesc = "at 50% of each library's capacity"
		o.halfNote = "Libraries are ranked at the point offered nearest 50% of their own closed-loop capacity (measured in the same run), so each is equally loaded; client-limited points are not ranked."
		return o
	}
	var caps []float64
	for _, c := range s.x.cells(config.EchoClosed, o.size, 0, nil) {
		if !baselines[c.Lib] && isWebSocket(c) {
			caps = append(caps, c.Median[results.MsgsPerSec])
		}
	}
	if len(caps) == 0 {
		return o
	}
	capacity := results.Median(caps)
	ref := o.rates[0]
	for _, r := range o.rates {
		if absF(r-capacity/2) < absF(ref-capacity/2) {
			ref = r
		}
	}
	if ref < capacity/4 || ref > capacity*3/4 {
		return o
	}
	for lib, cells := range o.byLib {
		if c := at(cells, ref); c != nil && !clientLimited(c) {
			o.half[lib] = c
		}
	}
	o.halfDesc = fmt.Sprintf("at %s msgs/s offered", fmtCount(ref))
	o.halfNote = fmt.Sprintf("Libraries are ranked at %s msgs/s offered, the rate nearest half the median closed-loop throughput of the WebSocket libraries at %s (%s msgs/s); client-limited points are not ranked.",
		fmtCount(ref), fmtSize(o.size), fmtCount(capacity))
	return o
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

func absF(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// at is lib's open-loop cell at rate, or nil.
func at(cells []*results.Cell, rate float64) *results.Cell {
	for _, c := range cells {
		if offeredRate(c) == rate {
			return c
		}
	}
	return nil
}

func (s *story) latencyVsLoad() *Slide {
	o := s.openLoad()
	if o == nil {
		return nil
	}
	var ref []*results.Cell
	for _, c := range o.half {
		if c.Median[results.LatP99] > 0 {
			ref = append(ref, c)
		}
	}
	order, tier := ranked(ref, results.LatP99, false)
	// Series: ranked libraries first, in tier order, then the others by name.
	var libs []string
	for _, c := range order {
		libs = append(libs, c.Lib)
	}
	var rest []string
	for lib := range o.byLib {
		if !slices.Contains(libs, lib) {
			rest = append(rest, lib)
		}
	}
	slices.Sort(rest)
	libs = append(libs, rest...)
	ch := lineChart{Title: fmt.Sprintf("Echo p99 latency against offered load, %s messages, %s connections, open loop", fmtSize(o.size), fmtInt(o.conns)),
		XLabel: "offered load (messages per second)", YLabel: "p99 latency (log scale, lower is better)", LogY: true, FmtX: fmtCount, FmtY: fmtUS}
	anyHollow := false
	for _, lib := range libs {
		name := lib
		if t, ok := tier[lib]; ok {
			name = fmt.Sprintf("T%d %s", t, lib)
		}
		se := series{Name: name, Style: s.pal.Style(lib)}
		for _, c := range o.byLib[lib] {
			if v, ok := c.Median[results.LatP99]; ok && v > 0 {
				h := clientLimited(c)
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
		ch.Note = "client-limited"
	}
	title := fmt.Sprintf("p99 latency from %s to %s msgs/s offered", fmtCount(o.rates[0]), fmtCount(o.rates[len(o.rates)-1]))
	if best := firstNonBaseline(order); best != nil {
		title = fmt.Sprintf("%s keeps the lowest p99 %s: %s", best.Lib, o.halfDesc, fmtUS(best.Median[results.LatP99])) + byMedian(order)
		if lead := leaders(order, tier); len(lead) > 1 {
			title = fmt.Sprintf("%s share the lowest p99 %s (from %s)", who(lead), o.halfDesc, fmtUS(best.Median[results.LatP99]))
		}
	}
	sl := &Slide{ID: "latency-load", Title: title, Chart: ch.svg(),
		Lead: "p99 from HDR histograms, counted from each message's intended send time; hollow: the load generator fell behind"}
	sl.Notes = []string{
		fmt.Sprintf("Open loop: %s connections share a fixed offered rate; latency is measured from the intended send time, so a stalled server cannot hide its queue (coordinated omission corrected). Offered rates: %s msgs/s.", fmtInt(o.conns), joinRates(o.rates)),
		"Hollow points are client-limited: the load generator could not keep its schedule there (busy CPU, rate short or late sends), so the point says more about the client than the server.",
	}
	if o.halfNote != "" {
		sl.Notes = append(sl.Notes, o.halfNote)
	} else {
		sl.Notes = append(sl.Notes, "No point lies between a quarter and three quarters of capacity: the libraries are not ranked here.")
	}
	sl.Notes = append(sl.Notes, tierNote(order))
	for _, lib := range libs {
		sl.Notes = append(sl.Notes, statusNotes(o.byLib[lib])...)
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

func (s *story) cpuPerMessage() *Slide {
	sizes, conns := s.x.axes(config.EchoClosed)
	if len(sizes) == 0 {
		return nil
	}
	size, n := preferSize(sizes), conns[len(conns)-1]
	cells := s.x.cells(config.EchoClosed, size, n, func(c *results.Cell) bool { return c.Median[results.ServerCPUUSPerMsg] > 0 })
	if len(cells) < 2 {
		return nil
	}
	rows, tier, order := s.barsOf(cells, results.ServerCPUUSPerMsg, false, 1, func(v float64) string { return trim(v, 3) + " µs" })
	best := firstNonBaseline(order)
	if best == nil {
		return nil
	}
	title := fmt.Sprintf("%s spends the least server CPU per %s echo: %s µs", best.Lib, fmtSize(size), trim(best.Median[results.ServerCPUUSPerMsg], 3)) + byMedian(order)
	if lead := leaders(order, tier); len(lead) > 1 {
		title = fmt.Sprintf("%s spend the least server CPU per %s echo (from %s µs)", who(lead), fmtSize(size), trim(best.Median[results.ServerCPUUSPerMsg], 3))
	}
	ch := barChart{Title: fmt.Sprintf("Server CPU per message, %s echo, %s connections, closed loop", fmtSize(size), fmtInt(n)),
		XLabel: "server CPU µs per message (lower is better)", YLabel: "library, by tier", Rows: rows,
		Fmt: func(v float64) string { return trim(v, 3) }}
	sl := &Slide{ID: "cpu", Title: title, Chart: ch.svg(), Lead: "CPU time of the server process (from /proc) divided by messages echoed: the most robust cost figure"}
	sl.Notes = append([]string{
		"Server CPU per message = the server process's user+system CPU time during the measured interval ÷ messages echoed, read from /proc.",
		fmt.Sprintf("Closed loop at %s connections; an echo counts once (received and sent back).", fmtInt(n)),
		tierNote(order),
	}, statusNotes(order)...)
	sl.Notes = append(sl.Notes, s.common()...)
	return sl
}

func (s *story) memoryPerConn() *Slide {
	_, conns := s.x.axes(config.Connect)
	if len(conns) == 0 {
		return nil
	}
	n := conns[len(conns)-1]
	cells := s.x.cells(config.Connect, 0, n, func(c *results.Cell) bool { return c.Median[results.ServerRSSPerConn] > 0 })
	if len(cells) < 2 {
		return nil
	}
	rows, tier, order := s.barsOf(cells, results.ServerRSSPerConn, false, 1024, func(v float64) string { return trim(v, 3) + " KiB" })
	best := firstNonBaseline(order)
	if best == nil {
		return nil
	}
	worst := order[len(order)-1]
	title := fmt.Sprintf("%s holds an idle connection in %s; %s needs %s", best.Lib, fmtBytes(best.Median[results.ServerRSSPerConn]), worst.Lib, fmtBytes(worst.Median[results.ServerRSSPerConn])) + byMedian(order)
	if lead := leaders(order, tier); len(lead) > 1 {
		title = fmt.Sprintf("%s hold an idle connection in the least memory (from %s)", who(lead), fmtBytes(best.Median[results.ServerRSSPerConn]))
	}
	spec := s.spec(config.Connect)
	ch := barChart{Title: fmt.Sprintf("Server memory per idle connection, %s connections", fmtInt(n)),
		XLabel: "KiB of server RSS per connection (lower is better)", YLabel: "library, by tier", Rows: rows,
		Fmt: func(v float64) string { return trim(v, 3) }}
	sl := &Slide{ID: "memory", Title: title, Chart: ch.svg(), Lead: fmt.Sprintf("%s connections opened and held idle %s; RSS growth over the idle server, per connection", fmtInt(n), spec.Hold)}
	sl.Notes = append([]string{
		"RSS per connection = (server RSS with every connection open and idle − RSS before the first connection) ÷ connections, from /proc.",
		"It includes the goroutines, buffers and TLS-free connection state each library keeps; Go's heap may hold on to freed memory, so it is an upper bound of what a connection needs.",
		tierNote(order),
	}, statusNotes(order)...)
	sl.Notes = append(sl.Notes, s.common()...)
	return sl
}

func (s *story) fanout() *Slide {
	sizes, conns := s.x.axes(config.Broadcast)
	if len(sizes) == 0 {
		return nil
	}
	size, n := preferSize(sizes), conns[len(conns)-1]
	cells := s.x.cells(config.Broadcast, size, n, func(c *results.Cell) bool { return isWebSocket(c) && c.Median[results.LastP99] > 0 })
	if len(cells) < 2 {
		return nil
	}
	rows, tier, order := s.barsOf(cells, results.LastP99, false, 1, fmtUS)
	best := order[0]
	title := fmt.Sprintf("%s reaches the last of %s subscribers first: p99 %s", best.Lib, fmtInt(n), fmtUS(best.Median[results.LastP99])) + byMedian(order)
	if lead := leaders(order, tier); len(lead) > 1 {
		title = fmt.Sprintf("%s tie for the fastest fan-out to %s subscribers (p99 to the last from %s)", who(lead), fmtInt(n), fmtUS(best.Median[results.LastP99]))
	}
	spec := s.spec(config.Broadcast)
	ch := barChart{Title: fmt.Sprintf("Broadcast: p99 time to the last subscriber, %s messages, %s subscribers", fmtSize(size), fmtInt(n)),
		XLabel: "p99 publish-to-last-receipt latency (lower is better)", YLabel: "library, by tier", Rows: rows, Fmt: fmtUS}
	sl := &Slide{ID: "fanout", Title: title, Chart: ch.svg(),
		Lead: fmt.Sprintf("1 publisher at %s msgs/s, every message to all %s subscribers", fmtCount(spec.Rate), fmtInt(n))}
	sl.Notes = append([]string{
		"Time to the last subscriber: for each message, from its intended publish time to its receipt at the last subscriber to get it; p99 over the messages.",
		fmt.Sprintf("Each subscriber has a queue of 256 messages; a subscriber that falls further behind is dropped (close 1008). %s messages, %s subscribers, %s msgs/s published.", fmtSize(size), fmtInt(n), fmtCount(spec.Rate)),
		"Only WebSocket transports are charted; polling, long polling and SSE are on the 5–10× slide.",
		tierNote(order),
	}, statusNotes(order)...)
	sl.Notes = append(sl.Notes, s.common()...)
	return sl
}

// verdictColors are the verdict bars' colours (Okabe–Ito).
var verdictColors = map[string]string{
	report.VerdictStronger: hex(palette.Blue),
	report.VerdictHolds:    hex(palette.BluishGreen),
	report.VerdictWeaker:   hex(palette.Orange),
	report.VerdictReversed: hex(palette.Vermillion),
}

func hex(c interface{ RGBA() (r, g, b, a uint32) }) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02X%02X%02X", r>>8, g>>8, b>>8)
}

func (s *story) verdict() *Slide {
	cl := report.BuildClaim(s.run)
	if cl.Missing != "" {
		return nil
	}
	hi := slices.Index(cl.Refs, cl.Headline)
	if hi < 0 {
		return nil
	}
	// The chart's rows: for each way of doing the job and each size, its
	// first metric that has a ratio (maximum throughput for request/response
	// when the run has equal-footing cells, else open-loop latency; p50
	// delivery for push), at the comparison's largest connection count.
	maxConns := map[string]int{}
	for _, r := range cl.Rows {
		if r.OtherCell != nil {
			k := r.Group + "|" + r.Side
			maxConns[k] = max(maxConns[k], r.OtherCell.Conns)
		}
	}
	var rows []bar
	counts := map[string]int{}
	var notes []string
	seen := map[string]bool{}
	for _, r := range cl.Rows {
		c := r.OtherCell
		if c == nil || c.Conns != maxConns[r.Group+"|"+r.Side] || hi >= len(r.Refs) {
			continue
		}
		key := fmt.Sprintf("%s|%s|%d", r.Group, r.Side, c.PayloadBytes)
		ref := r.Refs[hi]
		if seen[key] || ref.Verdict == report.VerdictNoData {
			continue
		}
		seen[key] = true
		label := fmt.Sprintf("%s · %s · %s", sideShort(c), fmtSize(c.PayloadBytes), metricShort(r.Metric))
		rows = append(rows, bar{Label: label, Value: ref.Ratio, Color: verdictColors[ref.Verdict], Text: fmtRatio(ref.Ratio) + " " + ref.Verdict})
		counts[ref.Verdict]++
		notes = append(notes, fmt.Sprintf("%s (%s, %s): %s.", label, r.Metric, r.Conditions, ref.Text))
	}
	if len(rows) == 0 {
		return nil
	}
	in := counts[report.VerdictHolds] + counts[report.VerdictStronger]
	title := fmt.Sprintf("WebSocket (%s) is 5× better or more in %d of %d comparisons", cl.Headline, in, len(rows))
	var rest []string
	if n := counts[report.VerdictWeaker]; n > 0 {
		rest = append(rest, fmt.Sprintf("%d weaker", n))
	}
	if n := counts[report.VerdictReversed]; n > 0 {
		rest = append(rest, fmt.Sprintf("%d reversed", n))
	}
	if len(rest) > 0 {
		title += "; " + list(rest)
	}
	ch := barChart{Title: "Is WebSocket 5–10× faster than REST? Ratio against " + cl.Headline,
		XLabel: "ratio, log scale (> 1: WebSocket better; green band: the claimed 5–10×)", YLabel: "comparison",
		Rows: rows, LogX: true, Band: [2]float64{report.ClaimLow, report.ClaimHigh}, RefLine: 1,
		Fmt: func(v float64) string { return trim(v, 3) + "×" }}
	sl := &Slide{ID: "verdict", Title: title, Chart: ch.svg(),
		Lead: "blue: stronger than 10× · green: 5–10× · orange: weaker (1–5×) · vermillion: reversed (< 1×)"}
	sl.Notes = append([]string{
		"Ratio of the two cells' medians, oriented so that above 1 WebSocket is better: WebSocket ÷ REST for throughput, REST ÷ WebSocket for latency.",
		"WebSocket connections carry several echoes in flight, HTTP/1.1 connections one request at a time; polls start at a random phase in their interval.",
		"A throughput ratio against a client-bound cell (a new TCP connection per request usually is) is an upper bound.",
		"Every row, with bytes on the wire and CPU per message, is in REPORT.md, section \"The 5–10× claim\".",
	}, notes...)
	sl.Notes = append(sl.Notes, s.common()...)
	return sl
}

// conformanceColors are the verdicts' colours (Okabe–Ito, grey for the
// informational ones).
var conformanceColors = map[string]string{
	"OK": hex(palette.BluishGreen), "NON-STRICT": hex(palette.SkyBlue), "INFORMATIONAL": "#BBBBBB",
	"UNIMPLEMENTED": hex(palette.Orange), "FAILED": hex(palette.Vermillion),
}

func (s *story) conformance() *Slide {
	if s.conf == nil || len(s.conf.Libs) == 0 {
		return nil
	}
	libs := slices.Clone(s.conf.Libs)
	slices.SortStableFunc(libs, func(a, b ConformanceLib) int {
		if d := a.Counts["FAILED"] - b.Counts["FAILED"]; d != 0 {
			return d
		}
		if d := a.Counts["NON-STRICT"] - b.Counts["NON-STRICT"]; d != 0 {
			return d
		}
		return strings.Compare(a.Name, b.Name)
	})
	ch := stackChart{Title: "Protocol conformance: cases by verdict", XLabel: "cases", YLabel: "library",
		Keys: verdicts, Colors: conformanceColors}
	var pass []string
	var notes []string
	for _, l := range libs {
		row := stackRow{Label: l.Name}
		for _, v := range verdicts {
			row.Segments = append(row.Segments, segment{v, float64(l.Counts[v])})
		}
		ch.Rows = append(ch.Rows, row)
		if l.Passes() {
			pass = append(pass, l.Name)
		}
		var parts []string
		for _, v := range verdicts {
			if l.Counts[v] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", l.Counts[v], v))
			}
		}
		failed := failedCases(l)
		line := fmt.Sprintf("%s: %s.", l.Name, strings.Join(parts, ", "))
		if len(failed) > 0 {
			line += " Failed: " + strings.Join(failed, ", ") + "."
		}
		notes = append(notes, line)
	}
	title := fmt.Sprintf("%d of %d libraries fail no conformance case", len(pass), len(libs))
	if len(pass) == len(libs) {
		title = fmt.Sprintf("All %d libraries fail no conformance case", len(libs))
	}
	sl := &Slide{ID: "conformance", Title: title, Chart: ch.svg(),
		Lead: "RFC 6455 test cases per library, from the conformance run " + s.conf.Name}
	sl.Notes = append([]string{
		"From " + s.conf.Name + "/conformance.json, a separate run from the benchmark; its libraries and versions may differ from this run's.",
		"OK: as the RFC requires. NON-STRICT: acceptable but not the strictest behaviour. INFORMATIONAL: no right answer. UNIMPLEMENTED: an optional feature absent. FAILED: a violation.",
	}, notes...)
	return sl
}

// failedCases are the IDs of a library's failed cases, at most 8.
func failedCases(l ConformanceLib) []string {
	var out []string
	for _, c := range l.Cases {
		if strings.EqualFold(c.Verdict, "FAILED") {
			if len(out) == 8 {
				return append(out, "…")
			}
			out = append(out, c.ID)
		}
	}
	return out
}

// sideShort names the non-WebSocket side of a comparison in a few words.
func sideShort(c *results.Cell) string {
	switch c.VariantOrDefault() {
	case config.VariantHTTPKeepAlive:
		return "REST keep-alive"
	case config.VariantHTTPNewConn:
		return "REST new conn per request"
	case config.VariantPoll:
		if c.PollInterval > 0 {
			return "REST poll every " + fmtUS(float64(c.PollInterval.Microseconds()))
		}
		return "REST poll"
	case config.VariantLongPoll:
		return "REST long poll"
	case config.VariantSSE:
		return "Server-Sent Events"
	case config.VariantSockJSXHRStreaming:
		return "SockJS xhr-streaming"
	case config.VariantSockJSXHRPolling:
		return "SockJS xhr-polling"
	}
	return c.Row()
}

// metricShort names a claim metric in a word or two.
func metricShort(m string) string {
	switch {
	case strings.Contains(m, "throughput"):
		return "throughput"
	case strings.Contains(m, "last subscriber"):
		return "p99 to last"
	case strings.Contains(m, "p50"):
		if strings.Contains(m, "delivery") {
			return "p50 delivery"
		}
		return "p50 latency"
	case strings.Contains(m, "p99"):
		return "p99 latency"
	case strings.Contains(m, "CPU"):
		return "CPU/msg"
	case strings.Contains(m, "bytes"):
		return "bytes/msg"
	}
	return m
}
