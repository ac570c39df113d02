// Package publish is the one step that turns a run's results.json into
// everything people read, from one analysis model: findings.json, REPORT.md
// with results.csv and charts, slides.html and REPORT.html; a chat stage
// (chat/, bench/chatmatrix) adds its findings, a section and slides. `make report`,
// the end of `make bench` and `make slides` all call it, so the outputs
// never come from different derivations.
package publish

import (
	"fmt"

	"github.com/wsbench/wsbench/bench/chatmatrix"
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
	chat, err := chatmatrix.LoadStage(dir)
	if err != nil {
		return fmt.Errorf("publish: chat stage: %w", err)
	}
	m := slides.Model(run, conf, chatmatrix.ModelFindings(chat)...)
	if err := m.Write(dir); err != nil {
		return fmt.Errorf("publish: findings: %w", err)
	}
	var sections []report.Section
	if chat != nil {
		sections = append(sections, report.Section{Title: "Chat rooms", Markdown: "The chat matrix ran as this run's last stage: " + chatmatrix.StageDir + "/ holds its results.json, SUMMARY.md and logs.\n\n" + chatmatrix.Section(chat)})
	}
	if err := report.Write(m, dir, sections...); err != nil {
		return fmt.Errorf("publish: report: %w", err)
	}
	if err := slides.WriteDeck(dir, m, conf, slides.ChatSlides(m, chat)...); err != nil {
		return fmt.Errorf("publish: slides: %w", err)
	}
	if err := htmlreport.Write(dir); err != nil {
		return fmt.Errorf("publish: REPORT.html: %w", err)
	}
	return nil
}
