// Package publish is the one step that turns a run's results.json into
// everything people read, from one analysis model: findings.json, REPORT.md
// with results.csv and charts, slides.html and REPORT.html. `make report`,
// the end of `make bench` and `make slides` all call it, so the outputs
// never come from different derivations.
package publish

import (
	"fmt"

	"github.com/wsbench/wsbench/bench/htmlreport"
	"github.com/wsbench/wsbench/bench/record"
	"github.com/wsbench/wsbench/bench/report"
	"github.com/wsbench/wsbench/bench/slides"
)

// Write publishes run into its directory dir.
func Write(dir string, run *record.Run) error {
	conf, err := slides.NearestConformance(dir)
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	m := slides.Model(run, conf)
	if err := m.Write(dir); err != nil {
		return fmt.Errorf("publish: findings: %w", err)
	}
	if err := report.Write(m, dir); err != nil {
		return fmt.Errorf("publish: report: %w", err)
	}
	if err := slides.WriteDeck(dir, m, conf); err != nil {
		return fmt.Errorf("publish: slides: %w", err)
	}
	if err := htmlreport.Write(dir); err != nil {
		return fmt.Errorf("publish: REPORT.html: %w", err)
	}
	return nil
}
