package report

import (
	"fmt"
	"io"

	"github.com/wsbench/wsbench/bench/record"
)

// Rendering of the claim section: ratio tables, Markdown and terminal.

// Tables are the ratio tables, one per group.
func (cl *Claim) Tables() []Table {
	var ts []Table
	for _, g := range claimGroups {
		t := Table{
			ID:     g.id,
			Title:  g.title,
			Header: []string{"comparison", "metric", "conditions", g.other},
			Text:   true,
		}
		for _, lib := range cl.Refs {
			name := lib
			if lib == cl.Fastest && len(cl.Refs) > 1 {
				name += " (fastest)"
			}
			t.Header = append(t.Header, name, "ratio", "verdict")
		}
		for _, r := range cl.Rows {
			if r.Group != g.id {
				continue
			}
			row := []string{r.Side + " vs WebSocket", r.Metric, r.Conditions, r.Other}
			for _, x := range r.Refs {
				row = append(row, x.Value, fmtRatio(x.Ratio), x.Text)
			}
			t.Rows = append(t.Rows, row)
		}
		if len(t.Rows) > 0 {
			ts = append(ts, t)
		}
	}
	return ts
}

// Markdown writes the claim section: intro, summary, chart, ratio tables
// and the detail tables with every figure behind them.
func (cl *Claim) Markdown(w io.Writer, run *record.Run, charts []Chart) {
	fmt.Fprintf(w, "## The 5–10× claim\n\n")
	if cl.Missing != "" {
		fmt.Fprintf(w, "%s\n\n", cl.Summary())
		return
	}
	fmt.Fprint(w, claimIntro)
	fmt.Fprintf(w, "**Summary.** %s\n\n", cl.Summary())
	for _, c := range charts {
		if c.Section == claimChartSection {
			fmt.Fprintf(w, "![%s](%s)\n\n", c.Title, c.File)
		}
	}
	for _, t := range cl.Tables() {
		t.Markdown(w)
	}
	v := newView(run)
	for _, t := range v.claimDetailTables(cl) {
		t.Markdown(w)
	}
}

// Terminal prints the ratio tables and the summary.
func (cl *Claim) Terminal(w io.Writer) {
	for _, t := range cl.Tables() {
		t.Markdown(w)
	}
	fmt.Fprintf(w, "The 5–10× claim: %s\n\n", cl.Summary())
}
