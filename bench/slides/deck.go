package slides

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/wsbench/wsbench/bench/analysis"
	"github.com/wsbench/wsbench/bench/compression"
	"github.com/wsbench/wsbench/bench/palette"
	"github.com/wsbench/wsbench/bench/record"
	"github.com/wsbench/wsbench/bench/report"
)

// Deck is the talk: one slide per finding of a run's analysis
// (bench/analysis), whose title is the finding's title. A slide whose
// finding the run lacks is left out.
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
	// Finding is the ID of the finding the title states ("" for the
	// opening slides, which state none).
	Finding string
}

// Table is a small table on a slide.
type Table struct {
	Header []string
	Rows   [][]string
}

// story holds what the slide builders share.
type story struct {
	run   *record.Run
	model *analysis.Model
	x     *index
	pal   *palette.Palette
	conf  *Conformance
	date  string
}

// Model builds the analysis of run with the findings that come from
// outside the run's cells: the claim and, when there is one, the
// conformance run.
func Model(run *record.Run, conf *Conformance, extra ...*analysis.Finding) *analysis.Model {
	return analysis.Build(run, append([]*analysis.Finding{report.ClaimFinding(run), compression.Finding(run), ConformanceFinding(conf)}, extra...)...)
}

// Build makes the deck of run. conf may be nil (no conformance run).
func Build(run *record.Run, conf *Conformance) *Deck { return BuildFrom(Model(run, conf), conf) }

// BuildFrom makes the deck of an analysis model.
// Extra slides (those of the chat stage: ChatSlides) follow the fan-out.
func BuildFrom(m *analysis.Model, conf *Conformance, extra ...Slide) *Deck {
	run := m.Results()
	s := &story{run: run, model: m, x: newIndex(run), conf: conf}
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
	add(s.latencyVsLoad(), s.cpuPerMessage(), s.memoryPerConn(), s.fanout(), s.compression())
	d.Slides = append(d.Slides, extra...)
	add(s.verdict(), s.conformance(), s.picks())
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
	lo, hi := analysis.TrialRange(s.run)
	trials := fmt.Sprintf("%d trials", hi)
	if lo != hi {
		trials = fmt.Sprintf("%d–%d trials", lo, hi)
	}
	n := []string{fmt.Sprintf("Each figure is the median of %s (%s warm-up excluded, %s measured), each against a freshly started server; whiskers are min–max.",
		trials, m.Warmup, m.Duration)}
	return append(n, report.Warnings(s.run)...)
}

// statusNotes lists the cells of a figure that are not plain ok.
func statusNotes(cells []*record.Cell) []string {
	var n []string
	for _, c := range cells {
		if c.Status != record.StatusOK && c.Reason != "" {
			n = append(n, fmt.Sprintf("%s is %s: %s.", c.Lib, c.Status, c.Reason))
		}
	}
	return n
}

// tierNote states how the figure's tiers were made, and what it could not
// rank.
func tierNote(f *analysis.Finding) string {
	n := "Entries are ordered by tier (T1 best): " + analysis.Method() + "."
	if len(f.Ranking) == 0 {
		n += fmt.Sprintf(" Here only %d of %d entries have a valid point: nothing is ranked.", f.ValidEntries, f.TotalEntries)
	}
	for _, x := range f.NotValid {
		n += fmt.Sprintf(" %s: %s.", x.Lib, x.Why)
	}
	return n
}
