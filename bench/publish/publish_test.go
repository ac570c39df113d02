package publish

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/wsbench/wsbench/bench/analysis"
	"github.com/wsbench/wsbench/bench/slides"
	"github.com/wsbench/wsbench/internal/demo"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// publishDemo publishes the demo run (with its conformance run beside it)
// into a temporary results directory and returns the run directory.
func publishDemo(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	if _, err := demo.WriteConformance(root); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "demo")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Write(dir, demo.Run(true)); err != nil {
		t.Fatal(err)
	}
	return dir
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// deckText is the deck without its charts: what a golden file can hold
// and a reviewer can read.
func deckText(d *slides.Deck) string {
	var b strings.Builder
	fmt.Fprintf(&b, "deck %s %s %s\n", d.Run, d.Date, d.Machine)
	for _, s := range d.Slides {
		fmt.Fprintf(&b, "\n[%s] finding=%s\n# %s\n%s\n", s.ID, s.Finding, s.Title, s.Lead)
		for _, x := range s.Bullets {
			fmt.Fprintf(&b, "* %s\n", x)
		}
		if s.Table != nil {
			fmt.Fprintf(&b, "| %s |\n", strings.Join(s.Table.Header, " | "))
			for _, r := range s.Table.Rows {
				fmt.Fprintf(&b, "| %s |\n", strings.Join(r, " | "))
			}
		}
		for _, n := range s.Notes {
			fmt.Fprintf(&b, "> %s\n", n)
		}
	}
	return b.String()
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (create it with go test ./bench/publish -update)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("%s differs from the golden file at line %d:\n got: %s\nwant: %s\n(go test ./bench/publish -update rewrites it)", name, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s differs from the golden file in length: %d lines, want %d", name, len(gl), len(wl))
	}
}

// The rendered report, findings and deck of the fixture run match their
// golden files.
func TestGolden(t *testing.T) {
	dir := publishDemo(t)
	golden(t, "REPORT.md", read(t, filepath.Join(dir, "REPORT.md")))
	golden(t, "findings.json", read(t, filepath.Join(dir, analysis.FileName)))
	conf, err := slides.NearestConformance(dir)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "deck.txt", deckText(slides.Build(demo.Run(true), conf)))
}

// A fact that appears in more than one output is the same in each: every
// finding's title in findings.json, REPORT.md, the deck and REPORT.html;
// every ranked entry's tier in findings.json and on its slide's chart;
// the trial count in the report and on the deck.
func TestOutputsAgree(t *testing.T) {
	dir := publishDemo(t)
	m, err := analysis.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	report := read(t, filepath.Join(dir, "REPORT.md"))
	deck := read(t, filepath.Join(dir, slides.FileName))
	page := html.UnescapeString(read(t, filepath.Join(dir, "REPORT.html")))
	conf, _ := slides.NearestConformance(dir)
	d := slides.Build(demo.Run(true), conf)
	titled := map[string]string{}
	for _, s := range d.Slides {
		if s.Finding != "" {
			titled[s.Finding] = s.Title
		}
	}
	for _, f := range m.Findings {
		if !strings.Contains(report, "**"+f.Title+"**") {
			t.Errorf("REPORT.md lacks finding %s: %q", f.ID, f.Title)
		}
		if !strings.Contains(page, f.Title) {
			t.Errorf("REPORT.html lacks finding %s", f.ID)
		}
		if title, ok := titled[f.ID]; ok && title != f.Title {
			t.Errorf("slide of %s titled %q, finding says %q", f.ID, title, f.Title)
		}
	}
	for id, title := range titled {
		if m.Finding(id) == nil {
			t.Errorf("a slide states %s, which findings.json lacks", id)
		}
		if !strings.Contains(deck, html.EscapeString(title)) {
			t.Errorf("slides.html lacks the title %q", title)
		}
	}
	// Tiers: the deck's series and bars carry "T<n> lib" or a tier mark
	// per row; findings.json says the same tier.
	for _, s := range d.Slides {
		f := m.Finding(s.Finding)
		if f == nil || len(f.Ranking) == 0 || s.ID != "latency-load" {
			continue
		}
		for _, p := range f.Ranking {
			if !strings.Contains(string(s.Chart), fmt.Sprintf("T%d %s", p.Tier, p.Lib)) {
				t.Errorf("latency chart lacks %q", fmt.Sprintf("T%d %s", p.Tier, p.Lib))
			}
		}
	}
	// Trials: the report's and the deck's counts come from one function.
	lo, hi := analysis.TrialRange(demo.Run(true))
	want := fmt.Sprintf("%d trials per cell", hi)
	if lo != hi {
		want = fmt.Sprintf("%d–%d trials per cell", lo, hi)
	}
	if !strings.Contains(report, want) || !strings.Contains(deckText(d), want) {
		t.Errorf("trial count %q missing from the report or the deck", want)
	}
	if bad := regexp.MustCompile(`\d+ trials per cell`).FindAllString(report+deckText(d), -1); len(bad) > 0 {
		for _, b := range bad {
			if !strings.HasSuffix(want, b) {
				t.Errorf("a trial count %q disagrees with %q", b, want)
			}
		}
	}
	// findings.json holds what an expert checks a title against.
	var raw struct {
		Findings []struct {
			ID           string `json:"id"`
			Title        string `json:"title"`
			Metric       string `json:"metric"`
			ValidEntries int    `json:"valid_entries"`
			TotalEntries int    `json:"total_entries"`
			Ranking      []struct {
				Lib    string  `json:"lib"`
				Tier   int     `json:"tier"`
				Median float64 `json:"median"`
				Valid  bool    `json:"valid"`
			} `json:"ranking"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(read(t, filepath.Join(dir, analysis.FileName))), &raw); err != nil {
		t.Fatal(err)
	}
	for _, f := range raw.Findings {
		if f.ID == "" || f.Title == "" || f.Metric == "" || f.Ranking == nil {
			t.Errorf("finding lacks a field: %+v", f)
		}
		if len(f.Ranking) > 0 && 2*f.ValidEntries < f.TotalEntries {
			t.Errorf("%s ranks with %d of %d valid", f.ID, f.ValidEntries, f.TotalEntries)
		}
		for _, p := range f.Ranking {
			if !p.Valid || p.Tier < 1 {
				t.Errorf("%s ranks %+v", f.ID, p)
			}
		}
	}
}

// `make report` rebuilds REPORT.html with the rest.
func TestWriteRebuildsEverything(t *testing.T) {
	dir := publishDemo(t)
	for _, f := range []string{"REPORT.md", "REPORT.html", "results.csv", slides.FileName, analysis.FileName} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	deck := read(t, filepath.Join(dir, slides.FileName))
	ext := regexp.MustCompile(`(?i)(src|href)\s*=\s*"(https?:)?//|@import|url\(\s*["']?https?:|<link\b`)
	if m := ext.FindString(deck); m != "" {
		t.Errorf("the deck refers outside itself: %q", m)
	}
	if !bytes.Contains([]byte(deck), []byte(`id="conformance"`)) {
		t.Error("the deck lacks its conformance slide")
	}
}
