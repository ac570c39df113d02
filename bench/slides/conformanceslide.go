package slides

import (
	"fmt"
	"slices"
	"strings"

	"github.com/wsbench/wsbench/bench/analysis"
	"github.com/wsbench/wsbench/bench/palette"
)

// conformanceColors are the verdicts' colours (Okabe–Ito, grey for the
// informational ones).
var conformanceColors = map[string]string{
	"OK": hex(palette.BluishGreen), "NON-STRICT": hex(palette.SkyBlue), "INFORMATIONAL": "#BBBBBB",
	"UNIMPLEMENTED": hex(palette.Orange), "FAILED": hex(palette.Vermillion),
}

// tested are conf's entries that a conformance suite applies to: the
// libraries and our own implementations (the ceiling and the HTTP
// baseline speak no WebSocket), sorted by failures, then non-strict
// verdicts, then name.
func tested(conf *Conformance) []ConformanceLib {
	var libs []ConformanceLib
	for _, l := range conf.Libs {
		if !analysis.RoleOf(l.Name).Reference() && l.Total() > 0 {
			libs = append(libs, l)
		}
	}
	slices.SortStableFunc(libs, func(a, b ConformanceLib) int {
		if d := a.Counts["FAILED"] - b.Counts["FAILED"]; d != 0 {
			return d
		}
		if d := a.Counts["NON-STRICT"] - b.Counts["NON-STRICT"]; d != 0 {
			return d
		}
		return strings.Compare(a.Name, b.Name)
	})
	return libs
}

// ConformanceFinding states how many of the tested servers fail no case;
// nil without a conformance run.
func ConformanceFinding(conf *Conformance) *analysis.Finding {
	if conf == nil {
		return nil
	}
	libs := tested(conf)
	if len(libs) == 0 {
		return nil
	}
	pass := 0
	for _, l := range libs {
		if l.Passes() {
			pass++
		}
	}
	f := &analysis.Finding{ID: analysis.IDConformance, Metric: "failed cases", ValidEntries: len(libs), TotalEntries: len(libs), Ranking: []analysis.Place{}}
	f.Title = fmt.Sprintf("%d of %d WebSocket servers fail no conformance case", pass, len(libs))
	if pass == len(libs) {
		f.Title = fmt.Sprintf("All %d WebSocket servers fail no conformance case", len(libs))
	}
	f.Notes = []string{"Servers tested: libraries and our own implementations; the raw-TCP ceiling and the HTTP baseline have no conformance suite."}
	return f
}

func (s *story) conformance() *Slide {
	f := s.model.Finding(analysis.IDConformance)
	if s.conf == nil || f == nil {
		return nil
	}
	ch := stackChart{Title: "Protocol conformance: cases by verdict", XLabel: "cases", YLabel: "server",
		Keys: verdicts, Colors: conformanceColors}
	var notes []string
	for _, l := range tested(s.conf) {
		row := stackRow{Label: l.Name}
		for _, v := range verdicts {
			row.Segments = append(row.Segments, segment{v, float64(l.Counts[v])})
		}
		ch.Rows = append(ch.Rows, row)
		var parts []string
		for _, v := range verdicts {
			if l.Counts[v] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", l.Counts[v], v))
			}
		}
		line := fmt.Sprintf("%s: %s.", l.Name, strings.Join(parts, ", "))
		if failed := failedCases(l); len(failed) > 0 {
			line += " Failed: " + strings.Join(failed, ", ") + "."
		}
		notes = append(notes, line)
	}
	sl := &Slide{ID: "conformance", Finding: f.ID, Title: f.Title, Chart: ch.svg(),
		Lead: "RFC 6455 (and SockJS protocol) test cases per server, from the conformance run " + s.conf.Name}
	sl.Notes = append([]string{
		"From " + s.conf.Name + "/conformance.json, a separate run from the benchmark; its libraries and versions may differ from this run's.",
		"OK: as the RFC requires. NON-STRICT: acceptable but not the strictest behaviour. INFORMATIONAL: no right answer. UNIMPLEMENTED: an optional feature absent. FAILED: a violation.",
	}, f.Notes...)
	sl.Notes = append(sl.Notes, notes...)
	return sl
}

// failedCases are the IDs of a library's failed cases, at most 8.
func failedCases(l ConformanceLib) []string {
	var out []string
	for _, c := range l.Cases {
		if strings.EqualFold(c.Verdict, "FAILED") {
			if len(out) == 8 {
				return append(out, "…")
			}
			out = append(out, c.ID)
		}
	}
	return out
}
