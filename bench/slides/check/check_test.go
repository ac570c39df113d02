package check

import (
	"context"
	"errors"
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wsbench/wsbench/bench/slides"
	"github.com/wsbench/wsbench/internal/demo"
)

// browser returns Chromium's path, or skips the test when there is none;
// with WSBENCH_BROWSER=1 (CI, make slides-check) a missing browser fails.
func browser(t *testing.T) string {
	t.Helper()
	p, err := FindBrowser()
	if errors.Is(err, ErrNoBrowser) {
		if os.Getenv("WSBENCH_BROWSER") == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return p
}

func writeDeck(t *testing.T, d *slides.Deck) string {
	t.Helper()
	dir := t.TempDir()
	if keep := os.Getenv("SLIDES_KEEP"); keep != "" { // to look at the fixture deck
		dir = keep
	}
	f, err := os.Create(filepath.Join(dir, slides.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := slides.Render(f, d); err != nil {
		t.Fatal(err)
	}
	return f.Name()
}

func TestBrowserFixtureDeckPasses(t *testing.T) {
	b := browser(t)
	conf, err := demo.WriteConformance(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	c, err := slides.LoadConformance(conf)
	if err != nil {
		t.Fatal(err)
	}
	path := writeDeck(t, slides.Build(demo.Run(true), c))
	shots := filepath.Join(filepath.Dir(path), "slides")
	res, err := Deck(context.Background(), path, Options{Browser: b, ShotsDir: shots, Timeout: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Problems {
		t.Error(p)
	}
	if res.Slides != 11 || len(res.Shots) != 11 || res.Pages != 11 || res.Texts == 0 {
		t.Errorf("%d slides, %d screenshots, %d printed pages, %d texts; want 11, 11, 11, some", res.Slides, len(res.Shots), res.Pages, res.Texts)
	}
	for _, s := range res.Shots {
		if b, err := os.ReadFile(s); err != nil || len(b) < 1000 || string(b[1:4]) != "PNG" {
			t.Errorf("%s is not a screenshot (%d bytes, %v)", s, len(b), err)
		}
	}
}

// bad is a deck of one good slide and one deliberately broken one.
func bad(broken slides.Slide) *slides.Deck {
	good := slides.Slide{ID: "good", Title: "A short finding", Bullets: []string{"one line"}, Notes: []string{"a note"}}
	return &slides.Deck{Run: "broken", Date: "2026-01-02", Machine: "nowhere", Slides: []slides.Slide{good, broken}}
}

func problemsOf(t *testing.T, b string, d *slides.Deck) []Problem {
	t.Helper()
	res, err := Deck(context.Background(), writeDeck(t, d), Options{Browser: b, Viewports: []Viewport{{1280, 720}}, Timeout: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	return res.Problems
}

func has(ps []Problem, slide int, what string) bool {
	for _, p := range ps {
		if p.Slide == slide && strings.Contains(p.What, what) {
			return true
		}
	}
	return false
}

func TestBrowserOverflowingSlideFails(t *testing.T) {
	b := browser(t)
	long := strings.Repeat("This bullet is far too long for any slide and keeps going. ", 12)
	ps := problemsOf(t, b, bad(slides.Slide{ID: "overflow", Title: "Too much text", Bullets: []string{long, long, long, long, long}, Notes: []string{"n"}}))
	if !has(ps, 2, "overflows the slide") && !has(ps, 2, "runs into the footer") {
		t.Fatalf("the overflowing slide passed: %v", ps)
	}
	if has(ps, 1, "") {
		t.Errorf("the good slide failed: %v", ps)
	}
}

func TestBrowserSmallOverlappingTextAndUnlabelledChartFail(t *testing.T) {
	b := browser(t)
	chart := `<svg class="chart" viewBox="0 0 1600 680"><text class="title" x="800" y="30" font-size="28">A chart</text>` +
		`<text class="xlabel" x="800" y="660" font-size="8">tiny x label</text>` +
		`<text class="tick" x="300" y="300" font-size="24">one label</text><text class="tick" x="310" y="305" font-size="24">another label</text></svg>`
	ps := problemsOf(t, b, bad(slides.Slide{ID: "chart", Title: "A chart without a y label", Chart: template.HTML(chart), Notes: []string{"n"}}))
	if !has(ps, 2, "below 16 px") {
		t.Errorf("tiny chart text passed: %v", ps)
	}
	if !has(ps, 2, "has no ylabel") {
		t.Errorf("a chart without a y label passed: %v", ps)
	}
	if !has(ps, 2, "overlaps") {
		t.Errorf("overlapping chart text passed: %v", ps)
	}
}
