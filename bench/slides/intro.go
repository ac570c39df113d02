package slides

import (
	"fmt"
	"strings"

	"github.com/wsbench/wsbench/bench/analysis"
)

// entriesByRole are the run's entries of role r, in run order.
func (s *story) entriesByRole(r analysis.Role) []string {
	var out []string
	for _, e := range s.model.Entries {
		if e.Role == r {
			out = append(out, e.Lib)
		}
	}
	return out
}

func (s *story) question() *Slide {
	libs, own := s.entriesByRole(analysis.RoleLibrary), s.entriesByRole(analysis.RoleOwn)
	base, ceil := s.entriesByRole(analysis.RoleBaseline), s.entriesByRole(analysis.RoleCeiling)
	lead := fmt.Sprintf("%d Go WebSocket libraries measured side by side", len(libs))
	if len(own) > 0 {
		lead += fmt.Sprintf(", with %d WebSocket servers of our own", len(own))
	}
	if len(base) > 0 {
		lead += ", against an HTTP baseline"
	}
	sl := &Slide{ID: "question", Title: "Is WebSocket 5–10× faster than REST, and which Go library should you use?", Lead: lead}
	sl.Bullets = []string{"Libraries: " + strings.Join(libs, ", ")}
	if len(own) > 0 {
		sl.Bullets = append(sl.Bullets, "Our own: "+strings.Join(own, ", ")+" (RFC 6455 written for this suite, as references)")
	}
	for _, b := range base {
		sl.Bullets = append(sl.Bullets, "Baseline: "+b+" (net/http): POST echo, polling, long polling, Server-Sent Events")
	}
	for _, c := range ceil {
		sl.Bullets = append(sl.Bullets, "Ceiling: "+c+", raw TCP framing without WebSocket")
	}
	sl.Notes = []string{"The question as people ask it; every later slide answers one part of it from run " + s.run.Name + "."}
	return sl
}

func (s *story) setup() *Slide {
	e := s.run.Environment
	pinned := "pinned with taskset"
	if !e.Split.Pinned {
		pinned = "not pinned: " + e.Split.Note
	}
	lo, hi := analysis.TrialRange(s.run)
	trials := fmt.Sprintf("%d trials per cell", hi)
	if lo != hi {
		trials = fmt.Sprintf("%d–%d trials per cell", lo, hi)
	}
	sl := &Slide{ID: "setup",
		Title: fmt.Sprintf("One %d-core machine, server and load generator on separate CPUs", e.Cores),
		Lead:  fmt.Sprintf("%s · Linux %s · %s · %s", e.CPUModel, e.Kernel, e.GoVersion, s.date),
		Bullets: []string{
			fmt.Sprintf("Server on CPU %s, load generator on CPU %s (%s), GOMAXPROCS = CPUs given", cpuList(e.Split.ServerCPUs), cpuList(e.Split.ClientCPUs), pinned),
			"Closed loop (messages in flight per connection) measures throughput; open loop (a fixed offered rate) measures latency from each message's intended send time",
			"One load generator for every server; every message checked (sequence, checksum); a lost, duplicated or reordered message fails the cell",
			fmt.Sprintf("%s, in rounds: every entry once per round, in a fresh random order; the median is shown with min–max; %d cells in this run", trials, len(s.run.Cells)),
		},
	}
	sl.Notes = append([]string{fmt.Sprintf("Run %s, commit %s, started %s, took %.0f s.", s.run.Name, e.GitCommit, s.run.StartedAt, s.run.ElapsedS)}, s.common()...)
	return sl
}
