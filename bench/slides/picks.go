package slides

import (
	"fmt"
	"slices"
	"strings"

	"github.com/wsbench/wsbench/bench/analysis"
	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/format"
	"github.com/wsbench/wsbench/bench/record"
)

// Pick is one row of "which library for which job": the job, the finding
// that decides it, and that finding's leading entries.
type Pick struct {
	Job     string
	Rule    string
	Finding string
	Libs    []string // the finding's first tier, best median first
	Figure  string   // the best median of them
}

// Picks are the leading sets of the findings that answer a job, each left
// out when the run lacks its finding or the finding ranks nobody.
func (s *story) Picks() []Pick {
	var out []Pick
	add := func(job, rule string, f *analysis.Finding, fm func(float64) string) {
		if f == nil || len(f.Leading) == 0 || len(f.Ranking) == 0 {
			return
		}
		out = append(out, Pick{Job: job, Rule: rule, Finding: f.ID, Libs: f.Leading, Figure: fm(f.Ranking[0].Median)})
	}
	if sizes, _ := analysis.Axes(s.run, config.EchoClosed); len(sizes) > 0 {
		size := analysis.PreferredSize(sizes)
		add("Raw echo throughput", fmt.Sprintf("most msgs/s, %s echo, closed loop", fmtSize(size)),
			s.model.Finding(analysis.IDThroughput(size)), func(v float64) string { return fmtCount(v) + " msgs/s" })
		add("Most messages per core", fmt.Sprintf("lowest server CPU per message, %s echo", fmtSize(size)),
			s.model.Finding(analysis.IDCPU(size)), func(v float64) string { return trim(v, 3) + " µs/msg" })
	}
	add("Many idle connections", "lowest memory per idle connection", s.model.Finding(analysis.IDMemory),
		func(v float64) string { return fmtBytes(v) + "/conn" })
	if f := analysis.DeckLatency(s.model); f != nil {
		add("Steady latency", "lowest p99 at the same offered rate ("+strings.TrimPrefix(f.Column[strings.Index(f.Column, "@")+1:], "")+")", f,
			func(v float64) string { return "p99 " + fmtUS(v) })
	}
	if f := s.model.Finding(analysis.IDFanout); f != nil {
		what := "p99"
		if f.Metric == record.LastMax {
			what = "maximum"
		}
		add("Broadcast fan-out", "lowest "+what+" time to the last subscriber", f, func(v float64) string { return what + " " + fmtUS(v) })
	}
	if s.conf != nil {
		var libs []string
		fewest := -1
		for _, l := range tested(s.conf) {
			if !l.Passes() {
				continue
			}
			switch ns := l.Counts["NON-STRICT"]; {
			case fewest < 0 || ns < fewest:
				fewest, libs = ns, []string{l.Name}
			case ns == fewest:
				libs = append(libs, l.Name)
			}
		}
		if len(libs) > 0 {
			slices.Sort(libs)
			out = append(out, Pick{Job: "Strict protocol", Rule: "passes conformance (no FAILED case), fewest NON-STRICT", Finding: analysis.IDConformance,
				Libs: libs, Figure: fmt.Sprintf("%d non-strict", fewest)})
		}
	}
	return out
}

// picks is the closing slide: a table of the picks. Its title counts
// what the table shows and names nobody the findings do not.
func (s *story) picks() *Slide {
	ps := s.Picks()
	if len(ps) == 0 {
		return nil
	}
	t := &Table{Header: []string{"job", "rule", "pick (leading tier)", "figure"}}
	everywhere := map[string]int{}
	for _, p := range ps {
		names := make([]string, len(p.Libs))
		for i, l := range p.Libs {
			names[i] = l
			everywhere[l]++
			if cl, ok := s.conf.lib(l); ok && !cl.Passes() {
				names[i] += fmt.Sprintf(" (fails %d conformance cases)", cl.Counts["FAILED"])
			}
		}
		t.Rows = append(t.Rows, []string{p.Job, p.Rule, strings.Join(names, ", "), p.Figure})
	}
	var all []string
	for lib, n := range everywhere {
		if n == len(ps) {
			all = append(all, lib)
		}
	}
	slices.Sort(all)
	title := fmt.Sprintf("No server leads every one of the %d jobs", len(ps))
	if len(all) > 0 {
		title = fmt.Sprintf("%s %s in the leading tier of all %d jobs", format.List(all), map[bool]string{true: "is", false: "are"}[len(all) == 1], len(ps))
	}
	sl := &Slide{ID: "picks", Title: title, Table: t,
		Lead: "Each pick is the leading tier of its finding: the servers no other server beats by more than the stated margin"}
	sl.Notes = []string{
		"Each row is one finding of the run; its pick is that finding's first tier (" + analysis.Method() + ").",
		"The ceiling and baselines are never picked; a job whose finding could not be ranked on this machine is left out.",
	}
	if s.conf != nil {
		sl.Notes = append(sl.Notes, "Conformance from "+s.conf.Name+"; a pick that failed conformance cases says so.")
	}
	sl.Notes = append(sl.Notes, s.common()...)
	return sl
}
