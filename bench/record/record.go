// Package record is the bench's record of a run (results.json): the
// environment, every trial's load generator object, and per cell the median,
// minimum and maximum of every metric with a status. It also holds the rules
// that turn trials into a status, so that a report rebuilt later applies the
// same rules.
package record

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/loadgen/result"
)

// FileName is the name of the record inside a run directory.
const FileName = "results.json"

// Cell statuses, most severe first.
const (
	StatusFailed      = result.VerdictFailed      // a trial failed, lost or corrupted messages: no number is given
	StatusClientBound = result.VerdictClientBound // closed-loop throughput with the server below 90% of its CPUs (of its quota)
	// StatusClientLimited: an open-loop point whose load generator did not
	// keep its schedule (result.Judge); drawn hollow, never ranked.
	StatusClientLimited = result.VerdictClientLimited
	// StatusNoisy: a key metric's trials disagree more than the run's
	// noise floor allows (see SummarizeAgainst).
	StatusNoisy = "noisy"
	StatusOK    = "ok"
)

// Run is the content of results.json.
type Run struct {
	Name        string      `json:"name"`
	StartedAt   string      `json:"started_at"`  // RFC 3339
	FinishedAt  string      `json:"finished_at"` // RFC 3339; empty while running
	PlannedS    float64     `json:"planned_s"`   // the budget printed before the run
	ElapsedS    float64     `json:"elapsed_s"`
	Interrupted bool        `json:"interrupted,omitempty"`
	Complete    bool        `json:"complete"` // every planned trial ran
	Environment Environment `json:"environment"`
	// Seed seeded the random order of the entries in every round (a PCG
	// of math/rand/v2): bench -seed with it repeats the run's order.
	Seed uint64 `json:"seed"`
	// Rounds are the run's rounds in the order they ran; empty in runs
	// recorded before rounds existed.
	Rounds []Round `json:"rounds,omitempty"`
	// NoiseFloor is, per "scenario/metric" key, the median over the run's
	// cells of their round-adjusted spread (see Calibrate): the spread a
	// cell of that scenario has on this machine in this run. Absent in runs
	// without rounds.
	NoiseFloor map[string]float64 `json:"noise_floor,omitempty"`
	Cells      []Cell             `json:"cells"`
	Drift      *Drift             `json:"drift,omitempty"`
	// Warnings are things a reader must know (no CPU pinning, fewer than 3
	// trials, drift above 10%...).
	Warnings []string `json:"warnings,omitempty"`
}

// Round is one pass over the matrix: trial Index of every cell that has
// that many, column by column in matrix order, the entries of each column
// back to back in Order.
type Round struct {
	Index int `json:"index"` // 1-based
	// Order is this round's random permutation of the entries (rows:
	// libraries and variants, as in cell IDs).
	Order []string `json:"order"`
}

// Environment is where and with what the numbers were made.
type Environment struct {
	Host          string             `json:"host"`
	CPUModel      string             `json:"cpu_model"`
	Cores         int                `json:"cores"` // logical CPUs the bench may use
	MemTotalBytes int64              `json:"mem_total_bytes,omitempty"`
	Kernel        string             `json:"kernel"`
	OS            string             `json:"os"`
	Arch          string             `json:"arch"`
	GoVersion     string             `json:"go_version"` // toolchain that built the server binary
	BenchGo       string             `json:"bench_go_version,omitempty"`
	GitCommit     string             `json:"git_commit,omitempty"`
	GitDirty      bool               `json:"git_dirty,omitempty"`
	Libraries     map[string]Library `json:"libraries"`
	Split         Split              `json:"cpu_split"`
	Matrix        config.Config      `json:"matrix"`
	Plan          config.Plan        `json:"plan"`
}

// Library is one library under test as built.
type Library struct {
	Module  string `json:"module"`  // "" for net/http
	Version string `json:"version"` // module version, or the Go version for net/http
	Proto   string `json:"proto"`
}

// Split is how CPUs were divided between the server and the load generator.
type Split struct {
	ServerCPUs []int  `json:"server_cpus"`
	ClientCPUs []int  `json:"client_cpus"`
	Pinned     bool   `json:"pinned"`            // taskset was used
	Taskset    string `json:"taskset,omitempty"` // path of taskset
	Note       string `json:"note,omitempty"`    // why not pinned, or why shared
	// ServerCPUQuota is the CPU quota the server ran under in the
	// open-loop echo cells, in CPUs (0.5: half of one CPU's time), with
	// its CFS period; 0 when none was asked for or it could not be
	// applied (QuotaNote then says why).
	ServerCPUQuota float64 `json:"server_cpu_quota,omitempty"`
	QuotaPeriodMS  float64 `json:"quota_period_ms,omitempty"`
	QuotaNote      string  `json:"quota_note,omitempty"`
}

// Cell is one point of the matrix with all its trials: the matrix's cell
// (Rate is an open-loop cell's offered rate, fixed at its first trial)
// and what its trials gave.
//
// In results.json the matrix cell's fields sit beside the others, its
// durations in the units runs have always recorded (poll_interval_ms,
// hold_s, warmup_s, duration_s; see MarshalJSON). A cell recorded before
// variants existed has no variant: it used its protocol's default.
type Cell struct {
	config.Cell
	ID   string `json:"id"`
	Mode string `json:"mode,omitempty"`
	// CapacityRef is the closed-loop cell whose median throughput an
	// open-loop cell's Load is a fraction of.
	CapacityRef string `json:"capacity_ref,omitempty"`
	// CapacityScale is what CapacityRef's throughput was multiplied by
	// before taking Load of it: the server's CPU quota over the CPUs that
	// closed-loop cell used, when this cell ran under a quota and that one
	// did not (0: not scaled).
	CapacityScale float64 `json:"capacity_scale,omitempty"`
	// ServerCPUQuota is the CPU quota (in CPUs, 0.5 = half of one) the
	// server ran under in this cell's trials; 0: none.
	ServerCPUQuota float64 `json:"server_cpu_quota,omitempty"`

	Status string   `json:"status"`          // ok, failed, client-bound, noisy
	Flags  []string `json:"flags,omitempty"` // every status that applies, most severe first
	Reason string   `json:"reason,omitempty"`

	Trials []Trial `json:"trials"`
	// Median, Min and Max per metric key (see Metrics), over the trials
	// that did not fail.
	Median map[string]float64 `json:"median,omitempty"`
	Min    map[string]float64 `json:"min,omitempty"`
	Max    map[string]float64 `json:"max,omitempty"`
	// Spread is (max-min)/median of the cell's key metrics.
	Spread map[string]float64 `json:"spread,omitempty"`
	// RoundSpread is the same spread of the key metrics after dividing
	// each trial by its round's reference (see Calibrate): what is left
	// when a period that slowed every entry of the round is taken out.
	// The noisy flag compares it with the run's NoiseFloor.
	RoundSpread map[string]float64 `json:"round_spread,omitempty"`
	// MedianTrial indexes Trials: the trial whose primary metric is closest
	// to the median, the source of the cell's latency curve. -1 if none.
	MedianTrial int `json:"median_trial"`
}

// CellFrom makes the record of a matrix cell, without trials.
func CellFrom(c config.Cell) Cell {
	return Cell{Cell: c, ID: c.ID(), Mode: c.Scenario.Mode(), MedianTrial: -1}
}

// VariantOrDefault is c's variant, or its protocol's default for a cell
// recorded without one.
func (c *Cell) VariantOrDefault() config.Variant {
	if c.Variant != "" {
		return c.Variant
	}
	return config.DefaultVariant(c.Proto, c.Scenario)
}

// Row is the cell's library, and for a variant cell the variant
// ("rest+sse"), as in its ID.
func (c *Cell) Row() string {
	return config.DeflateRow(config.RowName(c.Lib, c.VariantOrDefault(), c.Extra && c.Deflate == "", c.PollInterval), c.Deflate)
}

// Trial is one run of the load generator against a fresh server.
type Trial struct {
	N int `json:"n"` // 1-based within its cell
	// Round is the round the trial ran in (Run.Rounds); 0 for a trial
	// outside the rounds (the drift check) or recorded before rounds.
	Round     int     `json:"round,omitempty"`
	StartedAt string  `json:"started_at"`
	WallS     float64 `json:"wall_s"` // whole trial: server start to server stop
	Addr      string  `json:"addr"`   // where the server listened
	ServerPID int     `json:"server_pid,omitempty"`
	// Error is set when the harness could not get a valid measurement:
	// the server did not start or died, the load generator failed or
	// exceeded its deadline.
	Error string `json:"error,omitempty"`
	// Notes are harmless oddities (the server needed SIGKILL to stop...).
	Notes  []string       `json:"notes,omitempty"`
	Result *result.Result `json:"result,omitempty"`
}

// Drift compares the first cell measured with the same cell measured again
// at the end of the run.
type Drift struct {
	CellID  string  `json:"cell_id"`
	Metric  string  `json:"metric"`
	Before  float64 `json:"before"`
	After   float64 `json:"after"`
	DiffPct float64 `json:"diff_pct"` // (after-before)/before*100, when Comparable
	// Comparable is false when either measurement failed.
	Comparable bool   `json:"comparable"`
	Status     string `json:"status"` // status of the re-measured cell
	Again      *Cell  `json:"again,omitempty"`
}

// Load reads dir/results.json (or the file itself if path is a file).
func Load(path string) (*Run, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, FileName)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Run
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &r, nil
}

// Save writes r to dir/results.json atomically (write, then rename).
func Save(dir string, r *Run) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".results-*.json")
	if err != nil {
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, FileName))
}

// Values are the metric key's values over the trials that count (the ones
// behind Median, Min and Max), in trial order.
func (c *Cell) Values(key string) []float64 {
	m, ok := MetricByKey(key)
	if !ok {
		return nil
	}
	var out []float64
	for _, t := range c.Trials {
		if TrialProblem(c.Scenario, t) != "" {
			continue
		}
		if v, ok := m.Get(t.Result); ok && !math.IsNaN(v) && !math.IsInf(v, 0) {
			out = append(out, v)
		}
	}
	return out
}
