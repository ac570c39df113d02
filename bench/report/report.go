// Package report turns a run's results.json into what people read:
// REPORT.md with its tables, SVG charts for slides, results.csv, and the
// tables printed on the terminal at the end of a run. It never measures;
// `make report` rebuilds everything from results.json alone.
package report

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/wsbench/wsbench/bench/analysis"
	"github.com/wsbench/wsbench/bench/compression"
	"github.com/wsbench/wsbench/bench/record"
)

// Section is a part of REPORT.md that a stage of the run other than its
// cells wrote (the chat matrix): a heading and its Markdown, placed after
// the claim.
type Section struct {
	Title    string
	Markdown string
}

// Write (re)builds REPORT.md, results.csv and charts/ in dir from the run
// of model m; the findings section renders m's findings, sections follow
// the claim.
func Write(m *analysis.Model, dir string, sections ...Section) error {
	run := m.Results()
	charts, err := Charts(run, dir)
	if err != nil {
		return err
	}
	var md bytes.Buffer
	MarkdownWith(&md, m, charts, sections...)
	if err := os.WriteFile(filepath.Join(dir, "REPORT.md"), md.Bytes(), 0o644); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, "results.csv"))
	if err != nil {
		return err
	}
	if err := CSV(f, run); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Warnings are the run-level cautions shown at the top of the report.
func Warnings(run *record.Run) []string {
	w := slices.Clone(run.Warnings)
	if !run.Environment.Split.Pinned {
		w = append(w, "Processes were not pinned to CPUs: "+run.Environment.Split.Note+".")
	} else if run.Environment.Split.Note != "" {
		w = append(w, run.Environment.Split.Note+".")
	}
	if run.Environment.Matrix.Trials < 3 {
		w = append(w, fmt.Sprintf("%d trial(s) per cell: a smoke run, not numbers to publish (the rules ask for at least 3).", run.Environment.Matrix.Trials))
	}
	if run.Interrupted {
		w = append(w, "The run was interrupted: a cell it did not finish says how many of its trials ran, one it did not reach is failed, and the drift check may be missing.")
	}
	if d := run.Drift; d != nil {
		if !d.Comparable {
			w = append(w, "The drift check could not compare "+d.CellID+" (a measurement failed).")
		} else if abs(d.DiffPct) > record.NoisySpread*100 {
			w = append(w, fmt.Sprintf("The machine drifted: %s changed %+.1f%% between the first and the last measurement of %s.", d.Metric, d.DiffPct, d.CellID))
		}
	}
	if run.Environment.GitDirty {
		w = append(w, "The tree had uncommitted changes when this ran.")
	}
	return w
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// Markdown writes the whole report of run, its findings included.
func Markdown(w io.Writer, run *record.Run, charts []Chart) {
	MarkdownWith(w, analysis.Build(run, ClaimFinding(run), compression.Finding(run)), charts)
}

// MarkdownWith writes the whole report of model m's run.
func MarkdownWith(w io.Writer, m *analysis.Model, charts []Chart, sections ...Section) {
	run := m.Results()
	v := newView(run)
	e := run.Environment
	fmt.Fprintf(w, "# WebSocket libraries compared: run %s\n\n", run.Name)
	fmt.Fprintf(w, "%s.\n\n", v.caption(fmt.Sprintf("%d trials per cell", e.Matrix.Trials)))
	if warns := Warnings(run); len(warns) > 0 {
		for i, warn := range warns {
			if i > 0 {
				fmt.Fprintln(w, ">")
			}
			fmt.Fprintf(w, "> **Warning:** %s\n", warn)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprint(w, howToRead)
	findingsSection(w, m)
	compression.Build(run).Markdown(w) // nothing for a run without compression cells

	tables := Tables(run)
	byID := map[string]bool{}
	for _, t := range tables {
		byID[t.ID] = true
	}
	fmt.Fprintf(w, "## Results\n\n")
	for _, t := range tables {
		if t.ID == "features" {
			fmt.Fprintf(w, "## Libraries\n\n")
		}
		t.Markdown(w)
		for _, c := range charts {
			if c.Section == t.ID {
				fmt.Fprintf(w, "![%s](%s)\n\n", c.Title, c.File)
			}
		}
		if t.ID == "features" {
			conformanceSection(w) // the latest `make conformance` run, if any
		}
	}
	for _, c := range charts {
		if !byID[c.Section] && c.Section != claimChartSection {
			fmt.Fprintf(w, "![%s](%s)\n\n", c.Title, c.File)
		}
	}

	BuildClaim(run).Markdown(w, run, charts)
	for _, sec := range sections {
		fmt.Fprintf(w, "## %s\n\n%s\n", sec.Title, strings.TrimRight(sec.Markdown, "\n")+"\n")
	}

	fmt.Fprintf(w, "## Drift check\n\n")
	if d := run.Drift; d == nil {
		fmt.Fprintf(w, "Not run.\n\n")
	} else if !d.Comparable {
		fmt.Fprintf(w, "%s was measured again at the end, but one of the two measurements failed (status of the repeat: %s).\n\n", d.CellID, d.Status)
	} else {
		fmt.Fprintf(w, "%s was measured first and again at the end of the run: %s went from %s to %s (%+.1f%%). "+
			"Above ±%.0f%% the machine's speed changed during the run and close rankings should not be trusted.\n\n",
			d.CellID, d.Metric, trim(d.Before, 4), trim(d.After, 4), d.DiffPct, record.NoisySpread*100)
	}

	fmt.Fprintf(w, "## Environment\n\n")
	rows := [][2]string{
		{"host", e.Host},
		{"CPU", fmt.Sprintf("%s, %d logical CPUs", e.CPUModel, e.Cores)},
		{"memory", fmtBytes(float64(e.MemTotalBytes))},
		{"kernel", e.OS + " " + e.Kernel + " " + e.Arch},
		{"Go", e.GoVersion},
		{"commit", e.GitCommit + map[bool]string{true: " (uncommitted changes)", false: ""}[e.GitDirty]},
		{"CPU split", fmt.Sprintf("server CPUs %s, load generator CPUs %s, GOMAXPROCS %d / %d, pinned with taskset: %v",
			cpus(e.Split.ServerCPUs), cpus(e.Split.ClientCPUs), len(e.Split.ServerCPUs), len(e.Split.ClientCPUs), e.Split.Pinned)},
		{"matrix", fmt.Sprintf("%d trials per cell, warm-up %s, measured %s, drift check %v", e.Matrix.Trials, e.Matrix.Warmup, e.Matrix.Duration, e.Matrix.Drift)},
		{"time", fmt.Sprintf("planned %s, took %s; started %s", secs(run.PlannedS), secs(run.ElapsedS), run.StartedAt)},
	}
	for _, r := range rows {
		fmt.Fprintf(w, "- **%s**: %s\n", r[0], r[1])
	}
	fmt.Fprintf(w, "\nEvery trial's full load generator output is in results.json; per-trial logs are in logs/.\n")
}

func secs(s float64) string {
	if s <= 0 {
		return "?"
	}
	m := int(s) / 60
	return fmt.Sprintf("%dm%02ds", m, int(s)%60)
}

const howToRead = `## How to read this report

- Every number is the **median of the trials** of its cell; where a range is shown it is the **minimum–maximum** over the trials.
  Warm-up is excluded. Each trial runs against a freshly started server process.
- A cell's **status**:
  - **ok**: every trial ran, no message was lost, duplicated, reordered or corrupted, and the spread is small.
  - **failed**: a trial failed (the server did not start, crashed or hung; the load generator failed; a message was
    lost, duplicated, reordered or corrupt). A failed cell shows *failed* and no number: its trials are never averaged in.
  - **client-bound** (closed-loop throughput only): the server used less than 90% of its CPUs, so something other
    than the server (the load generator, or too few messages in flight) set the pace; the number is a lower bound.
  - **client-limited** (open loop): the load generator did not keep its schedule (it sent more than 1% short of the
    offered rate, or its send lag p99 exceeded the larger of 500 µs and one interval of the whole offered schedule); the point is
    drawn hollow and never ranked, titled or picked.
  - **noisy**: a key metric's trials disagree more than this machine's own noise floor in the same run allows
    (more than twice the floor, after removing what each round's entries share; see "Findings"): the exception,
    not the rule. Runs recorded before rounds use the older rule, a spread above 10%.
- Latency is in µs/ms from HDR histograms. Open-loop latency counts from each message's intended send time, so a
  stalled server cannot hide its queueing (no coordinated omission).
- The load generator, the payloads and the slow-subscriber policy are the same for every library; only the server changes.

`

// Terminal prints the result tables (all but the static feature and
// version tables), the claim's ratio tables and summary, and the warnings.
func Terminal(w io.Writer, run *record.Run) {
	for _, t := range Tables(run) {
		if t.ID != "features" && t.ID != "versions" {
			t.Markdown(w)
		}
	}
	BuildClaim(run).Terminal(w)
	for _, warn := range Warnings(run) {
		fmt.Fprintf(w, "WARNING: %s\n", warn)
	}
}
