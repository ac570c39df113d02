// Package slides turns a run into conference-talk material: slides.html,
// one self-contained 16:9 deck whose slides each state one finding of the
// run, with speaker notes holding the conditions and caveats. The story
// is made by rules in code (story.go, picks.go) from results.json and,
// when there is one, the newest conformance run; the charts are inline
// SVG in one palette (chart.go, bench/palette); the page is
// deck.html.tmpl. Write also writes REPORT.html (bench/htmlreport).
package slides

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/wsbench/wsbench/bench/htmlreport"
	"github.com/wsbench/wsbench/bench/results"
)

// FileName is the deck's name in a run directory.
const FileName = "slides.html"

// Write builds the deck of r and writes runDir/slides.html, then
// runDir/REPORT.html from runDir/REPORT.md when that exists.
func Write(runDir string, r *results.Run) error {
	var conf *Conformance
	if p := findConformance(runDir); p != "" {
		c, err := LoadConformance(p)
		if err != nil {
			return fmt.Errorf("slides: %v", err)
		}
		conf = c
	}
	var buf bytes.Buffer
	if err := Render(&buf, Build(r, conf)); err != nil {
		return fmt.Errorf("slides: %v", err)
	}
	if err := os.WriteFile(filepath.Join(runDir, FileName), buf.Bytes(), 0o644); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(runDir, "REPORT.md")); err == nil {
		return htmlreport.Write(runDir)
	}
	return nil
}
