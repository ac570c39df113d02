package slides

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/wsbench/wsbench/bench/analysis"
	"github.com/wsbench/wsbench/bench/palette"
	"github.com/wsbench/wsbench/bench/record"
	"github.com/wsbench/wsbench/internal/demo"
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
	for _, p := range (&story{run: demo.Run(false), model: Model(demo.Run(false), nil), x: newIndex(demo.Run(false))}).Picks() {
		if p.Job == "Steady latency" || p.Job == "Strict protocol" {
			t.Errorf("pick %q made without its data", p.Job)
		}
	}
	empty := &record.Run{Name: "empty"}
	if got := ids(Build(empty, nil)); !slices.Equal(got, []string{"question", "setup"}) {
		t.Errorf("a run without cells: %v", got)
	}
}

// Every slide that states a finding has that finding's title, word for
// word: the deck renders the analysis, it does not word its own claims.
func TestTitlesAreFindings(t *testing.T) {
	run := demo.Run(true)
	conf := demoConformance(t)
	m := Model(run, conf)
	d := BuildFrom(m, conf)
	n := 0
	for _, s := range d.Slides {
		if s.Finding == "" {
			continue
		}
		n++
		f := m.Finding(s.Finding)
		if f == nil {
			t.Errorf("slide %s states finding %q, which the model lacks", s.ID, s.Finding)
			continue
		}
		if s.Title != f.Title {
			t.Errorf("slide %s: title %q, finding %q", s.ID, s.Title, f.Title)
		}
		for _, p := range f.Ranking {
			if !p.Valid {
				t.Errorf("finding %s ranks %s, whose point is not valid", f.ID, p.Lib)
			}
			if analysis.RoleOf(p.Lib) == analysis.RoleCeiling || analysis.RoleOf(p.Lib) == analysis.RoleBaseline {
				t.Errorf("finding %s ranks the reference %s", f.ID, p.Lib)
			}
		}
	}
	if n < 7 {
		t.Errorf("only %d slides state a finding", n)
	}
	if title := slide(t, d, "throughput-1KiB").Title; strings.Contains(title, "tcp") {
		t.Errorf("the raw-TCP ceiling leads a title: %q", title)
	}
}

// Bars are drawn in the finding's tier order, the references after them.
func TestChartsFollowTiersAndThePalette(t *testing.T) {
	run := demo.Run(true)
	m := Model(run, nil)
	d := BuildFrom(m, nil)
	chart := string(slide(t, d, "throughput-1KiB").Chart)
	re := regexp.MustCompile(`class="tick rowlabel"[^>]*>([^<]+)<`)
	var rows []string
	for _, mm := range re.FindAllStringSubmatch(chart, -1) {
		rows = append(rows, mm[1])
	}
	f := m.Finding(analysis.IDThroughput(1024))
	var want []string
	for _, p := range f.Ranking {
		want = append(want, p.Lib)
	}
	for _, p := range f.References {
		want = append(want, p.Lib)
	}
	for _, x := range f.NotValid {
		want = append(want, x.Lib)
	}
	if !slices.Equal(rows, want) {
		t.Errorf("bar order %v, want tier order then references %v", rows, want)
	}
	// gorilla has the same colour on every chart.
	col := palette.New(nil).Style("gorilla").Hex()
	for _, id := range []string{"throughput-1KiB", "cpu", "memory", "fanout"} {
		if !strings.Contains(string(slide(t, d, id).Chart), `fill="`+col+`"`) {
			t.Errorf("slide %s: gorilla's colour %s missing", id, col)
		}
	}
}

func TestInvalidPointsAreHollow(t *testing.T) {
	d := Build(demo.Run(true), nil)
	chart := string(slide(t, d, "latency-load").Chart)
	if n := strings.Count(chart, `class="marker hollow"`); n != 2 { // the point and its legend entry
		t.Errorf("%d hollow markers, want the client-limited point and its legend entry", n)
	}
	if !strings.Contains(chart, "not valid") {
		t.Error("the legend does not explain hollow points")
	}
}

func TestPicksAreLeadingTiersAndSkipReferences(t *testing.T) {
	run := demo.Run(true)
	conf := demoConformance(t)
	m := Model(run, conf)
	s := &story{run: run, model: m, x: newIndex(run), conf: conf}
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
		if f := m.Finding(p.Finding); f != nil && p.Finding != analysis.IDConformance && !slices.Equal(f.Leading, p.Libs) {
			t.Errorf("pick %q: %v, but its finding leads with %v", p.Job, p.Libs, f.Leading)
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

func TestConformanceSlideCountsWebSocketServers(t *testing.T) {
	d := Build(demo.Run(true), demoConformance(t))
	s := slide(t, d, "conformance")
	if !regexp.MustCompile(`^\d+ of \d+ WebSocket servers fail no conformance case$`).MatchString(s.Title) {
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

func TestClientLimitedPointsAreNeverRanked(t *testing.T) {
	run := demo.Run(true)
	for i := range run.Cells {
		c := &run.Cells[i]
		if c.Lib == "gws" && c.Scenario == "echo-open" && c.Load == 0 {
			c.Status, c.Flags = record.StatusClientLimited, []string{record.StatusClientLimited}
		}
	}
	m := Model(run, nil)
	f := analysis.DeckLatency(m)
	if f == nil {
		t.Fatal("no latency finding")
	}
	for _, p := range f.Ranking {
		if p.Lib == "gws" {
			t.Errorf("a client-limited point is ranked: %+v", f.Ranking)
		}
	}
	s := &story{run: run, model: m, x: newIndex(run)}
	for _, p := range s.Picks() {
		if p.Job == "Steady latency" && slices.Contains(p.Libs, "gws") {
			t.Errorf("gws picked for steady latency on a client-limited point: %+v", p)
		}
	}
}

// A ranking where fewer than half of the servers have a valid point is not
// ranked: its title says what could not be measured, and no pick uses it.
func TestTooFewValidPointsAreNotRanked(t *testing.T) {
	run := demo.Run(true)
	for i := range run.Cells {
		c := &run.Cells[i]
		if c.Scenario == "echo-closed" && c.PayloadBytes == 1024 && c.Lib != "gorilla" {
			c.Status, c.Flags = record.StatusClientBound, []string{record.StatusClientBound}
		}
	}
	m := Model(run, nil)
	f := m.Finding(analysis.IDThroughput(1024))
	if len(f.Ranking) != 0 || len(f.Leading) != 0 || !strings.Contains(f.Title, "not ranked") {
		t.Errorf("finding %+v", f)
	}
	if title := slide(t, BuildFrom(m, nil), "throughput-1KiB").Title; title != f.Title {
		t.Errorf("slide title %q", title)
	}
	s := &story{run: run, model: m, x: newIndex(run)}
	for _, p := range s.Picks() {
		if p.Job == "Raw echo throughput" {
			t.Errorf("picked from an unranked finding: %+v", p)
		}
	}
}
