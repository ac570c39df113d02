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
	if len(rows) == 0 {
		return nil
	}
	notes := append([]string{"Wire bytes per payload byte, server to client, in the fixed-rate echo (100% = no saving); CPU: the server's CPU per message against the same library off (median over the workloads); memory: per idle connection with the extension negotiated, against off."},
		f.Notes...)
	return &Slide{ID: "compression", Finding: f.ID, Title: f.Title,
		Lead:  "permessage-deflate per library and variant: bytes on the wire against what it costs",
		Table: &Table{Header: head, Rows: rows}, Notes: append(notes, s.common()...)}
}
