// Package slides turns a run's analysis (bench/analysis) into
// conference-talk material: slides.html, one self-contained 16:9 deck
// whose slides each state one finding of the run, titled with the
// finding's own sentence, with speaker notes holding the conditions and
// caveats. deck.go assembles the deck; intro.go, figures.go, latency.go,
// verdict.go, conformanceslide.go and picks.go make its slides; the charts
// are inline SVG in one palette (chart.go, bench/palette); the page is
// deck.html.tmpl. bench/publish writes it beside REPORT.md and
// REPORT.html.
package slides

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/wsbench/wsbench/bench/analysis"
)

// FileName is the deck's name in a run directory.
const FileName = "slides.html"

// NearestConformance loads the newest conformance run next to runDir, or
// returns nil when there is none.
func NearestConformance(runDir string) (*Conformance, error) {
	p := findConformance(runDir)
	if p == "" {
		return nil, nil
	}
	return LoadConformance(p)
}

// WriteDeck writes runDir/slides.html from model m, with extra slides
// after the fan-out (BuildFrom).
func WriteDeck(runDir string, m *analysis.Model, conf *Conformance, extra ...Slide) error {
	var buf bytes.Buffer
	if err := Render(&buf, BuildFrom(m, conf, extra...)); err != nil {
		return fmt.Errorf("slides: %w", err)
	}
	return os.WriteFile(filepath.Join(runDir, FileName), buf.Bytes(), 0o644)
}
