package slides

import (
	"github.com/wsbench/wsbench/bench/compression"
)

// compression states the compression finding over the table of wire bytes
// per payload byte (server to client) per library, variant and workload,
// with the server CPU and memory per idle connection against off; nil for
// a run without compression cells.
func (s *story) compression() *Slide {
	f := s.model.Finding(compression.ID)
	a := compression.Build(s.run)
	if f == nil || a.Empty() {
		return nil
	}
	head, rows := a.SlideTable()
	rows = bestVariants(a, rows)
	if len(rows) == 0 {
		return nil
	}
	notes := append([]string{"Wire bytes per payload byte, server to client, in the fixed-rate echo (100% = no saving); CPU: the server's CPU per message against the same library off (median over the workloads); memory: per idle connection with the extension negotiated, against off.",
		"One row per library: its variant that saves most on the workload where compression saves most; REPORT.md's \"What compression costs\" has every variant."},
		f.Notes...)
	return &Slide{ID: "compression", Finding: f.ID, Title: f.Title,
		Lead:  "permessage-deflate, each library's most saving variant: bytes on the wire against what it costs",
		Table: &Table{Header: head, Rows: rows}, Notes: append(notes, s.common()...)}
}

// bestVariants keeps, of the slide table's rows (one per library and
// variant, named "lib variant"), each library's variant with the fewest
// wire bytes on the workload where compression saves most over all rows,
// so that the table fits a slide.
func bestVariants(a *compression.Analysis, rows [][]string) [][]string {
	var best *compression.Row
	for i := range a.Rows {
		r := &a.Rows[i]
		if r.On() && r.Down > 0 && (best == nil || r.Down < best.Down) {
			best = r
		}
	}
	if best == nil {
		return rows
	}
	pick := map[string]compression.Row{}
	for _, r := range a.Rows {
		if !r.On() || r.Down <= 0 || r.Workload != best.Workload {
			continue
		}
		if p, ok := pick[r.Lib]; !ok || r.Down < p.Down {
			pick[r.Lib] = r
		}
	}
	var out [][]string
	for _, row := range rows {
		for lib, r := range pick {
			if len(row) > 0 && row[0] == lib+" "+r.Variant {
				out = append(out, row)
			}
		}
	}
	return out
}
