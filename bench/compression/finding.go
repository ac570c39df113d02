package compression

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/wsbench/wsbench/bench/analysis"
	"github.com/wsbench/wsbench/bench/format"
	"github.com/wsbench/wsbench/bench/record"
	"github.com/wsbench/wsbench/loadgen/payload"
)

// ID is the compression finding's ID.
const ID = "compression"

// Name says a workload: "chat JSON (256 B)", "16 KiB JSON", "16 KiB random bytes".
func (w Workload) Name() string {
	switch w.Kind {
	case payload.ChatJSON:
		return "chat JSON (" + format.Size(w.Size) + ")"
	case payload.JSON:
		return format.Size(w.Size) + " JSON"
	case payload.Random:
		return format.Size(w.Size) + " random bytes"
	}
	return format.Size(w.Size) + " " + string(w.Kind)
}

// entry names a row's library and variant: "gws context-takeover".
func entry(lib, variant string) string { return lib + " " + variant }

// Finding is the run's finding on compression, nil when it has no
// compression cell.
func Finding(run *record.Run) *analysis.Finding { return Build(run).Finding() }

// Finding states what compression saves at best, what it does on random
// bytes (the worst case), and the server CPU and memory it costs; a note
// per library says the same of that library.
func (a *Analysis) Finding() *analysis.Finding {
	if a.Empty() {
		return nil
	}
	f := &analysis.Finding{ID: ID, Metric: "wire bytes per payload byte", Ranking: []analysis.Place{}}
	var on []Row
	for _, r := range a.Rows {
		if r.On() {
			on = append(on, r)
			f.TotalEntries++
			if r.Down > 0 {
				f.ValidEntries++
			}
		}
	}
	best, okBest := pick(on, func(r Row) bool { return r.Down > 0 && r.Workload.Kind != payload.Random }, func(x, y Row) bool { return x.Down < y.Down })
	worst, okWorst := pick(on, func(r Row) bool { return r.Down > 0 && r.Workload.Kind == payload.Random }, func(x, y Row) bool { return x.Down > y.Down })
	if !okBest {
		f.Title = "permessage-deflate: no compressed echo gave a number in this run"
		return f
	}
	f.Title = fmt.Sprintf("permessage-deflate cuts %s to %s of its bytes at best (%s)",
		best.Workload.Name(), format.Percent(best.Down), entry(best.Lib, best.Variant))
	if okWorst {
		f.Title += fmt.Sprintf(" but leaves %s at %s (%s)", worst.Workload.Name(), format.Percent(worst.Down), entry(worst.Lib, worst.Variant))
	}
	var paid []string
	if cpu := values(on, func(r Row) float64 { return r.CPURatio }); len(cpu) > 0 {
		paid = append(paid, fmt.Sprintf("%s the server CPU per message at the median", format.Ratio(median(cpu))))
	}
	if m, ok := pickMemory(a.Memory); ok {
		paid = append(paid, fmt.Sprintf("up to %s the memory per idle connection (%s)", format.Ratio(m.Ratio), entry(m.Lib, m.Variant)))
	}
	if len(paid) > 0 {
		f.Title += "; it costs " + format.List(paid)
	}
	f.Notes = a.libraryNotes()
	return f
}

// libraryNotes are one sentence per library: its best saving, its worst
// case, and what it paid, over all of its variants.
func (a *Analysis) libraryNotes() []string {
	var libs []string
	for _, r := range a.Rows {
		if r.On() && !slices.Contains(libs, r.Lib) {
			libs = append(libs, r.Lib)
		}
	}
	var notes []string
	for _, lib := range libs {
		var rows []Row
		for _, r := range a.Rows {
			if r.Lib == lib && r.On() {
				rows = append(rows, r)
			}
		}
		n := lib + ":"
		if b, ok := pick(rows, func(r Row) bool { return r.Down > 0 && r.Workload.Kind != payload.Random }, func(x, y Row) bool { return x.Down < y.Down }); ok {
			n += fmt.Sprintf(" %s of the bytes at best (%s, %s)", format.Percent(b.Down), b.Workload.Name(), b.Variant)
		}
		if w, ok := pick(rows, func(r Row) bool { return r.Down > 0 && r.Workload.Kind == payload.Random }, func(x, y Row) bool { return x.Down > y.Down }); ok {
			n += fmt.Sprintf(", %s on %s", format.Percent(w.Down), w.Workload.Name())
		}
		if cpu := values(rows, func(r Row) float64 { return r.CPURatio }); len(cpu) > 0 {
			r := format.Ratio(slices.Min(cpu))
			if hi := format.Ratio(slices.Max(cpu)); hi != r {
				r = strings.TrimSuffix(r, "×") + "–" + hi
			}
			n += "; server CPU per message " + r + " off"
		}
		var mem []float64
		for _, m := range a.Memory {
			if m.Lib == lib && m.Variant != Off && m.Ratio > 0 {
				mem = append(mem, m.Ratio)
			}
		}
		if len(mem) > 0 {
			n += fmt.Sprintf("; memory per idle connection up to %s off", format.Ratio(slices.Max(mem)))
		}
		var failed int
		for _, r := range rows {
			failed += len(r.Failed)
		}
		if failed > 0 {
			n += fmt.Sprintf("; %d cell(s) failed", failed)
		}
		notes = append(notes, n+".")
	}
	if len(a.Unsupported) > 0 {
		var names []string
		for _, u := range a.Unsupported {
			names = append(names, u.Lib)
		}
		notes = append(notes, "No permessage-deflate (nothing emulated): "+format.List(names)+".")
	}
	return notes
}

// pick is the row of rows that keep accepts and no other beats.
func pick(rows []Row, keep func(Row) bool, better func(x, y Row) bool) (Row, bool) {
	var out Row
	found := false
	for _, r := range rows {
		if keep(r) && (!found || better(r, out)) {
			out, found = r, true
		}
	}
	return out, found
}

// pickMemory is the variant with the largest memory ratio against off.
func pickMemory(ms []Memory) (Memory, bool) {
	var out Memory
	for _, m := range ms {
		if m.Variant != Off && m.Ratio > out.Ratio {
			out = m
		}
	}
	return out, out.Ratio > 0
}

// values are get of each row where it is positive.
func values(rows []Row, get func(Row) float64) []float64 {
	var out []float64
	for _, r := range rows {
		if v := get(r); v > 0 {
			out = append(out, v)
		}
	}
	return out
}

// median of vs (not empty).
func median(vs []float64) float64 {
	s := slices.Clone(vs)
	sort.Float64s(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}
