package slides

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/wsbench/wsbench/bench/palette"
	"github.com/wsbench/wsbench/bench/results"
	"github.com/wsbench/wsbench/bench/slides/internal/demo"
)

func ids(d *Deck) []string {
	var out []string
	for _, s := range d.Slides {
		out = append(out, s.ID)
	}
	return out
}

func slide(t *testing.T, d *Deck, id string) Slide {
	t.Helper()
	for _, s := range d.Slides {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no slide %q in %v", id, ids(d))
	return Slide{}
}

func demoConformance(t *testing.T) *Conformance {
	t.Helper()
	p, err := demo.WriteConformance(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	c, err := LoadConformance(p)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestFullRunTellsTheWholeStory(t *testing.T) {
	d := Build(demo.Run(true), demoConformance(t))
	want := []string{"question", "setup", "throughput-64B", "throughput-1KiB", "latency-load", "cpu", "memory", "fanout", "verdict", "conformance", "picks"}
	if got := ids(d); !slices.Equal(got, want) {
		t.Fatalf("slides %v, want %v", got, want)
	}
	for _, s := range d.Slides {
		if strings.TrimSpace(s.Title) == "" || len(s.Notes) == 0 {
			t.Errorf("slide %s: title %q, %d notes", s.ID, s.Title, len(s.Notes))
		}
		if s.ID != "question" && s.Chart == "" && s.Table == nil && len(s.Bullets) == 0 {
			t.Errorf("slide %s is empty", s.ID)
		}
	}
	if d.Run != "demo" || d.Date != "2026-01-02" || !strings.Contains(d.Machine, "Demo CPU") {
		t.Errorf("footer: %q %q %q", d.Run, d.Date, d.Machine)
	}
}

func TestMissingDataLeavesSlidesOut(t *testing.T) {
	d := Build(demo.Run(false), nil)
	for _, id := range []string{"latency-load", "conformance"} {
		if slices.Contains(ids(d), id) {
			t.Errorf("slide %s shown without its data", id)
		}
	}
	for _, p := range (&story{run: demo.Run(false), x: newIndex(demo.Run(false))}).Picks() {
		if p.Job == "Steady latency" || p.Job == "Strict protocol" {
			t.Errorf("pick %q made without its data", p.Job)
		}
	}
	empty := &results.Run{Name: "empty"}
	if got := ids(Build(empty, nil)); !slices.Equal(got, []string{"question", "setup"}) {
		t.Errorf("a run without cells: %v", got)
	}
}

// The title states the finding with the run's own figures.
func TestTitlesComeFromTheRun(t *testing.T) {
	run := demo.Run(true)
	d := Build(run, nil)
	s := &story{run: run, x: newIndex(run)}
	cells := s.x.cells("echo-closed", 1024, 100, nil)
	order, tier := ranked(cells, results.MsgsPerSec, true)
	top := firstNonBaseline(order)
	title := slide(t, d, "throughput-1KiB").Title
	if !strings.Contains(title, fmtCount(top.Median[results.MsgsPerSec])) || !strings.Contains(title, leaders(order, tier)[0]) {
		t.Errorf("title %q does not state %s at %s", title, top.Lib, fmtCount(top.Median[results.MsgsPerSec]))
	}
	if strings.Contains(title, "tcp") {
		t.Errorf("the raw-TCP ceiling leads a title: %q", title)
	}
}

func TestChartsFollowTiersAndThePalette(t *testing.T) {
	run := demo.Run(true)
	d := Build(run, nil)
	chart := string(slide(t, d, "throughput-1KiB").Chart)
	s := &story{run: run, x: newIndex(run)}
	order, _ := ranked(s.x.cells("echo-closed", 1024, 100, nil), results.MsgsPerSec, true)
	re := regexp.MustCompile(`class="tick rowlabel"[^>]*>([^<]+)<`)
	var rows []string
	for _, m := range re.FindAllStringSubmatch(chart, -1) {
		rows = append(rows, m[1])
	}
	var want []string
	for _, c := range order {
		want = append(want, c.Lib)
	}
	if !slices.Equal(rows, want) {
		t.Errorf("bar order %v, want tier order %v", rows, want)
	}
	// gorilla has the same colour on every chart.
	col := palette.New(nil).Style("gorilla").Hex()
	for _, id := range []string{"throughput-1KiB", "cpu", "memory", "fanout"} {
		if !strings.Contains(string(slide(t, d, id).Chart), `fill="`+col+`"`) {
			t.Errorf("slide %s: gorilla's colour %s missing", id, col)
		}
	}
}

func TestClientLimitedPointsAreHollow(t *testing.T) {
	d := Build(demo.Run(true), nil)
	chart := string(slide(t, d, "latency-load").Chart)
	if n := strings.Count(chart, `class="marker hollow"`); n != 2 { // the point and its legend entry
		t.Errorf("%d hollow markers, want the client-limited point and its legend entry", n)
	}
	if !strings.Contains(chart, "client-limited") {
		t.Error("the legend does not explain hollow points")
	}
}

func TestPicksStateRulesAndSkipBaselines(t *testing.T) {
	run := demo.Run(true)
	s := &story{run: run, x: newIndex(run), conf: demoConformance(t)}
	ps := s.Picks()
	jobs := map[string]Pick{}
	for _, p := range ps {
		jobs[p.Job] = p
		if p.Rule == "" || len(p.Libs) == 0 {
			t.Errorf("pick %+v lacks its rule or library", p)
		}
		for _, l := range p.Libs {
			if l == "tcp" || l == "rest" {
				t.Errorf("%s picked for %q", l, p.Job)
			}
		}
	}
	for _, j := range []string{"Raw echo throughput", "Most messages per core", "Many idle connections", "Steady latency", "Broadcast fan-out", "Strict protocol"} {
		if _, ok := jobs[j]; !ok {
			t.Errorf("no pick for %q", j)
		}
	}
	if got := jobs["Strict protocol"].Libs; !slices.Equal(got, []string{"gws"}) {
		t.Errorf("strict protocol pick %v, want gws (passes, no NON-STRICT)", got)
	}
}

func TestConformanceSlideCountsVerdicts(t *testing.T) {
	d := Build(demo.Run(true), demoConformance(t))
	s := slide(t, d, "conformance")
	if s.Title != "3 of 4 libraries fail no conformance case" {
		t.Errorf("title %q", s.Title)
	}
	if !strings.Contains(strings.Join(s.Notes, " "), "nbio: 1 OK, 1 UNIMPLEMENTED, 2 FAILED. Failed: 1.1.2, 1.1.3.") {
		t.Errorf("notes do not list nbio's failures: %q", s.Notes)
	}
}

func TestConformanceFormats(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "c.json")
	os.WriteFile(p, []byte(`{"gorilla": {"cases": [{"id": "1", "category": "x", "verdict": "ok"}, {"id": "2", "category": "x", "verdict": "FAILED"}]}}`), 0o644)
	c, err := LoadConformance(p)
	if err != nil {
		t.Fatal(err)
	}
	if l, ok := c.lib("gorilla"); !ok || l.Counts["OK"] != 1 || l.Counts["FAILED"] != 1 || l.Passes() {
		t.Errorf("keyed by library, counts from cases: %+v", c.Libs)
	}
	os.WriteFile(p, []byte(`[1, 2]`), 0o644)
	if _, err := LoadConformance(p); err == nil {
		t.Error("garbage accepted")
	}
}

func TestFindsNewestConformanceRun(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"2026-01-01-a", "2026-02-01-b"} {
		os.MkdirAll(filepath.Join(root, "conformance", d), 0o755)
		os.WriteFile(filepath.Join(root, "conformance", d, "conformance.json"), []byte(`[]`), 0o644)
	}
	run := filepath.Join(root, "2026-03-01-host")
	os.MkdirAll(run, 0o755)
	if got := findConformance(run); !strings.Contains(got, "2026-02-01-b") {
		t.Errorf("found %q", got)
	}
	if got := findConformance(t.TempDir()); got != "" {
		t.Errorf("found %q where there is none", got)
	}
}

// The deck is one file that needs nothing from the network.
func TestWriteIsSelfContained(t *testing.T) {
	root := t.TempDir()
	if _, err := demo.WriteConformance(root); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "demo")
	os.MkdirAll(filepath.Join(dir, "charts"), 0o755)
	os.WriteFile(filepath.Join(dir, "REPORT.md"), []byte("# Demo\n\n## Part\n\n![a chart](charts/a.svg)\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "charts", "a.svg"), []byte(`<?xml version="1.0"?><svg viewBox="0 0 1 1"><text>inlined</text></svg>`), 0o644)
	if err := Write(dir, demo.Run(true)); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	ext := regexp.MustCompile(`(?i)(src|href)\s*=\s*"(https?:)?//|@import|url\(\s*["']?https?:|<link\b`)
	if m := ext.FindString(html); m != "" {
		t.Errorf("the deck refers outside itself: %q", m)
	}
	if !strings.Contains(html, `id="conformance"`) || strings.Count(html, `<section class="slide`) != 11 {
		t.Errorf("deck lacks slides: %d sections", strings.Count(html, `<section class="slide`))
	}
	rep, err := os.ReadFile(filepath.Join(dir, "REPORT.html"))
	if err != nil || !strings.Contains(string(rep), "inlined") {
		t.Errorf("REPORT.html: %v", err)
	}
}

func TestClientLimitedPointsAreNeverRanked(t *testing.T) {
	run := demo.Run(true)
	for i := range run.Cells {
		c := &run.Cells[i]
		if c.Lib == "gws" && c.Load == 0.5 {
			c.Status, c.Flags = results.StatusClientLimited, []string{results.StatusClientLimited}
		}
	}
	s := &story{run: run, x: newIndex(run)}
	o := s.openLoad()
	if o == nil || o.half["gorilla"] == nil || o.half["gorilla"].Load != 0.5 {
		t.Fatalf("gorilla is not ranked at its 50%% point: %+v", o)
	}
	if _, ranked := o.half["gws"]; ranked {
		t.Error("a client-limited point is ranked")
	}
	for _, p := range s.Picks() {
		if p.Job == "Steady latency" && slices.Contains(p.Libs, "gws") {
			t.Errorf("gws picked for steady latency on a client-limited point: %+v", p)
		}
	}
}

// Without loads relative to capacity, libraries are ranked at the common
// offered rate nearest half the median capacity, when there is one.
func TestCommonRateFallback(t *testing.T) {
	run := demo.Run(true)
	var caps []float64
	for _, c := range run.Cells {
		if c.Scenario == "echo-closed" && c.PayloadBytes == 1024 && !baselines[c.Lib] {
			caps = append(caps, c.Median[results.MsgsPerSec])
		}
	}
	common := float64(int(results.Median(caps) / 2 / 1000 * 1000)) // a round rate near half the median capacity
	var keep []results.Cell
	for _, c := range run.Cells {
		if c.Scenario == "echo-open" && c.Load > 0 {
			if c.Load != 0.5 {
				continue
			}
			c.Load, c.Rate = 0, common
		}
		keep = append(keep, c)
	}
	run.Cells = keep
	s := &story{run: run, x: newIndex(run)}
	o := s.openLoad()
	if o == nil || !strings.Contains(o.halfDesc, "msgs/s offered") || len(o.half) < 4 {
		t.Fatalf("no common-rate ranking: %+v", o)
	}
	if title := slide(t, Build(run, nil), "latency-load").Title; !strings.Contains(title, fmtCount(common)+" msgs/s offered") {
		t.Errorf("title %q does not name the common rate", title)
	}
}

// With fewer trials than the rank test needs, titles and picks name the
// best median and say the order rests on medians.
func TestTooFewTrialsRankByMedianAndSaySo(t *testing.T) {
	run := demo.Run(true)
	for i := range run.Cells {
		run.Cells[i].Trials = run.Cells[i].Trials[:3]
	}
	run.Environment.Matrix.Trials = 3
	d := Build(run, nil)
	if title := slide(t, d, "throughput-1KiB").Title; !strings.Contains(title, "by median") || strings.Contains(title, "share") {
		t.Errorf("title %q", title)
	}
	s := &story{run: run, x: newIndex(run)}
	for _, p := range s.Picks() {
		if len(p.Libs) != 1 {
			t.Errorf("pick %q lists %v, want the best median alone", p.Job, p.Libs)
		}
	}
	full := Build(demo.Run(true), nil)
	if title := slide(t, full, "throughput-1KiB").Title; strings.Contains(title, "by median") {
		t.Errorf("5 trials, yet %q", title)
	}
}
