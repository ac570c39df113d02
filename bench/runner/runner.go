// Package runner runs a benchmark matrix: for every trial of every cell it
// starts a fresh server process pinned to the server CPUs, waits for
// /healthz, runs the load generator pinned to the client CPUs, reads its
// JSON result and stops the server. Both commands are injectable, so tests
// can substitute fixtures for the real binaries.
package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/record"
	"github.com/wsbench/wsbench/loadgen/result"
	"github.com/wsbench/wsbench/loadgen/scenario"
	"github.com/wsbench/wsbench/servers/server"
)

// Progress is told about every trial; implementations draw a bar or print
// lines. Each trial's share of the whole is its estimated duration. A
// skipped trial gets End without Begin.
type Progress interface {
	Start(total time.Duration)
	Begin(label string, estimate time.Duration)
	End(estimate time.Duration, problem string)
	Finish()
}

// NoProgress discards progress reports.
type NoProgress struct{}

func (NoProgress) Start(time.Duration)         {}
func (NoProgress) Begin(string, time.Duration) {}
func (NoProgress) End(time.Duration, string)   {}
func (NoProgress) Finish()                     {}

// Runner runs the cells of a matrix. Zero durations take defaults.
type Runner struct {
	Cells  []config.Cell
	Trials int
	Drift  bool // measure the first cell again at the end
	// Seed seeds the random order of the entries in every round (see
	// schedule); the same seed and matrix give the same order.
	Seed uint64

	// Server is the server command; "-lib NAME -addr HOST:PORT" is appended.
	Server []string
	// Loadgen is the load generator command; its flags are appended.
	Loadgen []string
	// Split says which CPUs each side gets and whether to use taskset.
	Split record.Split
	// ServerCPUQuota, when positive, runs the servers of open-loop echo
	// cells under a cgroup CPU quota of that many CPUs (0.5: half of one),
	// per QuotaPeriod (DefaultQuotaPeriod when zero), as a container with a
	// CPU limit: on a small machine that leaves the load generator the CPU
	// it needs to keep its schedule. Where no cgroup can be made the run
	// goes on without it and says why.
	ServerCPUQuota float64
	QuotaPeriod    time.Duration
	quota          *cpuQuota
	// Dir is the run directory; per-trial logs and JSON go to Dir/logs.
	Dir string

	Costs    config.Costs
	Progress Progress
	// Checkpoint is called after every trial, e.g. to save results.json.
	Checkpoint func()

	Host          string        // listen host, default 127.0.0.1
	HealthTimeout time.Duration // wait for /healthz, default 10s
	StopGrace     time.Duration // SIGTERM to SIGKILL, default 5s
	Slack         time.Duration // added to every trial's hard deadline, default 15s
}

type outcome int

const (
	completed   outcome = iota // the trial ran (it may still have failed)
	startFailed                // the server never became healthy
	interrupted                // the context was cancelled
)

// Run runs every trial in rounds (see schedule): round r runs trial r of
// every cell that has one, column by column, each column's entries back to
// back in the round's random order, so that a slow period of the machine
// hits the entries of a column alike and in no fixed order; then the drift
// check. It fills run.Seed, run.Rounds, run.Cells, run.NoiseFloor,
// run.Drift, run.Interrupted and run.Complete. It returns ctx's error if
// it was interrupted.
func (r *Runner) Run(ctx context.Context, run *record.Run) error {
	r.defaults()
	if err := os.MkdirAll(filepath.Join(r.Dir, "logs"), 0o755); err != nil {
		return err
	}
	r.setupQuota(run)
	defer r.dropQuota(run)
	run.Cells = make([]record.Cell, len(r.Cells))
	var total time.Duration
	for i, c := range r.Cells {
		run.Cells[i] = record.CellFrom(c)
		record.Summarize(&run.Cells[i], len(r.Split.ServerCPUs), r.trials(c))
		total += time.Duration(r.trials(c)) * r.Costs.Estimate(c)
	}
	slots, rounds := schedule(r.Cells, r.trials, r.Seed)
	run.Seed, run.Rounds = r.Seed, rounds
	if r.Drift && len(r.Cells) > 0 {
		total += time.Duration(r.trials(r.Cells[0])) * r.Costs.Estimate(r.Cells[0])
	}
	r.Progress.Start(total)
	defer r.Progress.Finish()

	s := &state{failed: map[*record.Cell]bool{}, broken: map[string]string{}, run: run, cells: r.Cells}
	for _, sl := range slots {
		if !r.step(ctx, s, r.Cells[sl.cell], &run.Cells[sl.cell], sl.round, "") {
			run.Interrupted = true
			return ctx.Err()
		}
	}
	r.calibrate(run)
	if r.Drift && len(r.Cells) > 0 {
		again := record.CellFrom(r.Cells[0])
		for n := 1; n <= r.trials(r.Cells[0]); n++ {
			if !r.step(ctx, s, r.Cells[0], &again, n, "drift-") {
				run.Interrupted = true
				return ctx.Err()
			}
		}
		record.Summarize(&again, len(r.Split.ServerCPUs), r.trials(r.Cells[0]))
		run.Drift = record.CompareDrift(&run.Cells[0], &again)
		r.checkpoint()
	}
	run.Complete = true
	return nil
}

// trials is how many times c is measured: its own count, else the runner's.
func (r *Runner) trials(c config.Cell) int {
	if c.Trials > 0 {
		return c.Trials
	}
	return r.Trials
}

// state is what Run remembers between trials.
type state struct {
	failed map[*record.Cell]bool // cells with a failed trial: their other trials are skipped
	broken map[string]string     // library -> why its server could not start
	run    *record.Run
	cells  []config.Cell // run.Cells' matrix cells, same order
}

// offeredRate sets the rate of an open-loop cell given as a fraction of
// capacity: that fraction of the median throughput of the library's
// closed-loop cell at the same size and connection count, as measured so
// far in this run (closed-loop columns come first in every round, so that
// cell's trial of the same round has run). The rate is fixed at the cell's
// first trial and kept for the others, so that its trials are comparable.
func (s *state) offeredRate(c config.Cell, rc *record.Cell) (float64, string) {
	if rc.Rate > 0 {
		return rc.Rate, ""
	}
	for i, k := range s.cells {
		if k.Lib != c.Lib || k.Scenario != config.EchoClosed || k.Extra || k.PayloadBytes != c.PayloadBytes || k.Conns != c.Conns {
			continue
		}
		capacity, ok := s.run.Cells[i].Median[record.MsgsPerSec]
		if !ok || capacity <= 0 {
			return 0, fmt.Sprintf("no closed-loop capacity to take %s of: %s has no good trial", config.LoadLabel(c.Load, 0), k.ID())
		}
		if rc.ServerCPUQuota > 0 {
			// The closed loop ran without the quota: its capacity per CPU
			// used, times the quota.
			used := s.run.Cells[i].Median[record.ServerCPUUtil]
			if used <= 0 {
				return 0, fmt.Sprintf("no server CPU figure in %s to scale its capacity to the CPU quota", k.ID())
			}
			rc.CapacityScale = rc.ServerCPUQuota / used
			capacity *= rc.CapacityScale
		}
		rc.Rate = roundRate(c.Load * capacity)
		rc.CapacityRef = k.ID()
		return rc.Rate, ""
	}
	return 0, "no closed-loop cell at the same size and connection count to take the offered load from"
}

// roundRate keeps three significant digits.
func roundRate(r float64) float64 {
	if r <= 0 {
		return 0
	}
	scale := math.Pow(10, math.Floor(math.Log10(r))-2)
	return math.Round(r/scale) * scale
}

// calibrate measures the run's noise floor from the trials so far and
// judges every cell's noise against it (record.Calibrate).
func (r *Runner) calibrate(run *record.Run) {
	record.Calibrate(run)
	for i, c := range r.Cells {
		if i < len(run.Cells) {
			record.SummarizeAgainst(&run.Cells[i], len(r.Split.ServerCPUs), r.trials(c), run.NoiseFloor)
		}
	}
}

// roundOf is the round of trial n: n itself, or 0 for a trial outside
// the rounds (a prefixed one: the drift check).
func roundOf(n int, prefix string) int {
	if prefix != "" {
		return 0
	}
	return n
}

// step runs (or skips) trial n of cell c into rc: round n of the rounds,
// or with a prefix, a trial outside them (the drift check). It returns
// false when the run was interrupted.
func (r *Runner) step(ctx context.Context, s *state, c config.Cell, rc *record.Cell, n int, prefix string) bool {
	est := r.Costs.Estimate(c)
	if ctx.Err() != nil {
		return false
	}
	if s.failed[rc] {
		r.Progress.End(est, "")
		return true
	}
	if why, ok := s.broken[c.Lib]; ok {
		rc.Trials = append(rc.Trials, record.Trial{N: n, Round: roundOf(n, prefix), Error: "not run: " + why})
		s.failed[rc] = true
		record.Summarize(rc, len(r.Split.ServerCPUs), r.trials(c))
		r.Progress.End(est, "skipped: "+why)
		r.checkpoint()
		return true
	}
	rc.ServerCPUQuota = r.quotaFor(c)
	if c.Load > 0 {
		rate, why := s.offeredRate(c, rc)
		if why != "" {
			rc.Trials = append(rc.Trials, record.Trial{N: n, Round: roundOf(n, prefix), Error: "not run: " + why})
			s.failed[rc] = true
			record.Summarize(rc, len(r.Split.ServerCPUs), r.trials(c))
			r.Progress.End(est, "skipped: "+why)
			r.checkpoint()
			return true
		}
		c.Rate = rate
	}
	r.Progress.Begin(fmt.Sprintf("%s%s trial %d/%d", prefix, c.ID(), n, r.trials(c)), est)
	t, out := r.trial(ctx, c, n, prefix)
	var discarded []string
	for retry := 1; out == completed && retry <= MaxDisturbedRetries; retry++ {
		why := record.Disturbance(t)
		if why == "" {
			break
		}
		discarded = append(discarded, record.RerunNote(retry, why))
		t, out = r.trial(ctx, c, n, prefix)
	}
	t.Notes = append(discarded, t.Notes...)
	if out == interrupted {
		return false
	}
	t.Round = roundOf(n, prefix)
	rc.Trials = append(rc.Trials, t)
	problem := record.TrialProblem(c.Scenario, t)
	if problem != "" {
		s.failed[rc] = true
		if out == startFailed {
			s.broken[c.Lib] = fmt.Sprintf("the %s server failed to start in %s trial %d", c.Lib, c.ID(), n)
		}
	}
	record.Summarize(rc, len(r.Split.ServerCPUs), r.trials(c))
	if prefix == "" {
		r.calibrate(s.run)
	}
	r.Progress.End(est, problem)
	r.checkpoint()
	return true
}

// MaxDisturbedRetries bounds how often a disturbed trial
// (record.Disturbance) is run again; the attempt kept after that stays as
// it is, its reading in its result for the report to count.
const MaxDisturbedRetries = 2

func (r *Runner) defaults() {
	if r.Host == "" {
		r.Host = "127.0.0.1"
	}
	if r.HealthTimeout == 0 {
		r.HealthTimeout = 10 * time.Second
	}
	if r.StopGrace == 0 {
		r.StopGrace = 5 * time.Second
	}
	if r.Slack == 0 {
		r.Slack = 15 * time.Second
	}
	if r.Progress == nil {
		r.Progress = NoProgress{}
	}
	if r.Costs == (config.Costs{}) {
		r.Costs = config.DefaultCosts
	}
	if r.Trials < 1 {
		r.Trials = 1
	}
}

func (r *Runner) checkpoint() {
	if r.Checkpoint != nil {
		r.Checkpoint()
	}
}

// Deadline is the hard limit on one trial of c: twice its estimate plus
// the health and stop allowances and the slack.
func (r *Runner) Deadline(c config.Cell) time.Duration {
	r.defaults()
	return 2*r.Costs.Estimate(c) + r.HealthTimeout + r.StopGrace + r.Slack
}

// trial runs one load generator run against a fresh server.
func (r *Runner) trial(ctx context.Context, c config.Cell, n int, prefix string) (record.Trial, outcome) {
	base := filepath.Join(r.Dir, "logs", prefix+strings.ReplaceAll(c.ID(), "/", "_")+".t"+strconv.Itoa(n))
	lc := c.Loadgen()
	lc.URL = baseURL(c.Proto, "")
	args, err := serverArgs(c)
	if err != nil {
		return record.Trial{N: n, Error: err.Error()}, completed
	}
	return r.once(ctx, c.Lib, args, base, lc, r.Costs.Estimate(c), r.quotaFor(c), n)
}

// serverArgs are the server flags c asks for beyond its library: its
// permessage-deflate mode, in a compression matrix.
func serverArgs(c config.Cell) ([]string, error) {
	if c.Deflate == "" {
		return nil, nil
	}
	d, err := server.ParseDeflateName(c.Deflate)
	if err != nil {
		return nil, fmt.Errorf("cell %s: %w", c.ID(), err)
	}
	return d.Args(), nil
}

// Once runs the load generator once with lc (its URL's scheme names the
// protocol; the host is replaced) against a fresh server of lib, outside
// any matrix, as a trial of one: the server pinned to the server CPUs,
// the load generator to the client CPUs, logs and JSON under
// Dir/logs/name.*, a hard deadline of twice estimate plus the runner's
// allowances. A matrix of its own (a search that picks each rate from the
// last result) is built on it. The trial's Error says why it failed; it
// is "interrupted" when ctx ended first.
func (r *Runner) Once(ctx context.Context, lib, name string, lc scenario.Config, estimate time.Duration) record.Trial {
	r.defaults()
	if err := os.MkdirAll(filepath.Join(r.Dir, "logs"), 0o755); err != nil {
		return record.Trial{N: 1, Error: err.Error()}
	}
	t, out := r.once(ctx, lib, nil, filepath.Join(r.Dir, "logs", name), lc, estimate, 0, 1)
	if out == interrupted && t.Error == "" {
		t.Error = "interrupted"
	}
	return t
}

// OnceQuota is Once with the server under the CPU quota of
// StartOnceQuota (without one when there is none).
func (r *Runner) OnceQuota(ctx context.Context, lib, name string, lc scenario.Config, estimate time.Duration) record.Trial {
	r.defaults()
	if err := os.MkdirAll(filepath.Join(r.Dir, "logs"), 0o755); err != nil {
		return record.Trial{N: 1, Error: err.Error()}
	}
	var quota float64
	if r.quota != nil {
		quota = r.quota.CPUs
	}
	t, out := r.once(ctx, lib, nil, filepath.Join(r.Dir, "logs", name), lc, estimate, quota, 1)
	if out == interrupted && t.Error == "" {
		t.Error = "interrupted"
	}
	return t
}

// once is one trial: a fresh server of lib with serverArgs, the load
// generator with lc (its URL's scheme kept, the server's address put in),
// logs at base.*.
func (r *Runner) once(ctx context.Context, lib string, serverArgs []string, base string, lc scenario.Config, estimate time.Duration, quota float64, n int) (t record.Trial, out outcome) {
	start := time.Now()
	t = record.Trial{N: n, StartedAt: start.UTC().Format(time.RFC3339)}
	defer func() { t.WallS = time.Since(start).Seconds() }()

	deadline := 2*estimate + r.HealthTimeout + r.StopGrace + r.Slack
	tctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()

	srv, addr, err := r.startServer(tctx, lib, serverArgs, base+".server.log")
	t.Addr = addr
	if err != nil {
		if ctx.Err() != nil {
			return t, interrupted
		}
		t.Error = err.Error()
		return t, startFailed
	}
	t.ServerPID = srv.pid()
	if quota > 0 {
		if err := r.quota.add(srv.pid()); err != nil {
			srv.stop(r.StopGrace)
			t.Error = err.Error()
			return t, completed
		}
	}
	defer func() {
		if srv.stop(r.StopGrace) {
			t.Notes = append(t.Notes, fmt.Sprintf("server did not exit within %s of SIGTERM; killed", r.StopGrace))
		} else if code := srv.exitCode(); code != 0 && t.Error == "" {
			t.Notes = append(t.Notes, "server stopped with "+srv.exitText())
		}
	}()

	// The load generator's own deadline comes first, so that it can still
	// write its JSON with the failure; the hard deadline is the backstop.
	jsonPath := base + ".json"
	scheme, _, _ := strings.Cut(lc.URL, "://")
	lc.URL = scheme + "://" + addr
	lc.ServerPID = srv.pid()
	lc.ServerCPUs = float64(len(r.Split.ServerCPUs))
	if quota > 0 {
		lc.ServerCPUs = quota
	}
	lc.Timeout = 2*estimate + r.Slack/2
	args := append(lc.Args(), "-json", jsonPath)
	lg, err := startChild("load generator", r.pinned(r.Split.ClientCPUs, r.Loadgen, args), r.env(len(r.Split.ClientCPUs)), base+".loadgen.log")
	if err != nil {
		t.Error = err.Error()
		return t, completed
	}
	select {
	case <-lg.done:
	case <-srv.done: // judged below
		lg.kill()
		<-lg.done
	case <-tctx.Done():
		lg.kill()
		<-lg.done
		if ctx.Err() != nil {
			return t, interrupted
		}
		t.Error = fmt.Sprintf("trial exceeded its hard deadline of %s; load generator killed", deadline.Round(time.Second))
		return t, completed
	}
	if srv.exited() {
		t.Error = fmt.Sprintf("server exited during the trial (%s): %s", srv.exitText(), srv.tail())
		return t, completed
	}
	t.Result, t.Error = readResult(jsonPath, lg, lc.Variant())
	return t, completed
}

// readResult reads the load generator's JSON and reconciles it with its
// exit status and with the variant the cell asked for.
func readResult(path string, lg *child, want string) (*result.Result, string) {
	code := lg.exitCode()
	if code == 2 {
		return nil, "load generator rejected its arguments (exit 2): " + lg.tail()
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Sprintf("load generator %s without writing its JSON: %s", lg.exitText(), lg.tail())
	}
	var res result.Result
	if err := json.Unmarshal(b, &res); err != nil {
		return nil, fmt.Sprintf("load generator JSON unreadable: %v", err)
	}
	// A load generator that reports its variant must have run the one
	// asked for: a measurement of another variant under this cell's name
	// would be a wrong number, not a missing one.
	if res.Variant != "" && res.Variant != want {
		return &res, fmt.Sprintf("load generator ran variant %q, the cell asked for %q", res.Variant, want)
	}
	switch {
	case code == 0:
		return &res, ""
	case code == 1 && res.Failed:
		return &res, "" // TrialProblem reports res.Failure
	default:
		return &res, fmt.Sprintf("load generator %s: %s", lg.exitText(), lg.tail())
	}
}

// startServer starts lib's server with extra flags on a free port and
// waits for /healthz. A port taken between choosing and binding it is
// retried on another.
func (r *Runner) startServer(ctx context.Context, lib string, extra []string, logPath string) (*child, string, error) {
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		addr, err := freePort(r.Host)
		if err != nil {
			return nil, "", err
		}
		args := append([]string{"-lib", lib, "-addr", addr}, extra...)
		srv, err := startChild("server", r.pinned(r.Split.ServerCPUs, r.Server, args), r.env(len(r.Split.ServerCPUs)), logPath)
		if err != nil {
			return nil, addr, err
		}
		err = waitHealthy(ctx, addr, srv, r.HealthTimeout)
		if err == nil {
			return srv, addr, nil
		}
		srv.stop(r.StopGrace)
		lastErr = err
		if !strings.Contains(srv.tail(), "address already in use") {
			return nil, addr, err
		}
	}
	return nil, "", lastErr
}

// pinned prefixes cmd with taskset when the split is pinned.
func (r *Runner) pinned(cpus []int, cmd, args []string) []string {
	var argv []string
	if r.Split.Pinned && len(cpus) > 0 {
		argv = append(argv, r.Split.Taskset, "-c", CPUList(cpus))
	}
	argv = append(argv, cmd...)
	return append(argv, args...)
}

// env is the bench's environment with GOMAXPROCS set to the CPUs given.
func (r *Runner) env(cpus int) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOMAXPROCS=") {
			env = append(env, kv)
		}
	}
	if cpus > 0 {
		env = append(env, "GOMAXPROCS="+strconv.Itoa(cpus))
	}
	return env
}

func freePort(host string) (string, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return "", fmt.Errorf("no free port on %s: %w", host, err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr, nil
}

var errNotReady = errors.New("not ready")

// waitHealthy polls GET /healthz until it answers 200, the server exits,
// ctx ends or timeout passes.
func waitHealthy(ctx context.Context, addr string, srv *child, timeout time.Duration) error {
	client := &http.Client{
		Timeout:   500 * time.Millisecond,
		Transport: &http.Transport{DisableKeepAlives: true},
	}
	defer client.CloseIdleConnections()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	url := "http://" + addr + "/healthz"
	last := errNotReady
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		if resp, err := client.Do(req); err != nil {
			last = err
		} else {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = fmt.Errorf("/healthz answered %s", resp.Status)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-srv.done:
			return fmt.Errorf("server exited before it was ready (%s): %s", srv.exitText(), srv.tail())
		case <-deadline.C:
			return fmt.Errorf("server not healthy within %s (last: %v): %s", timeout, last, srv.tail())
		case <-tick.C:
		}
	}
}

// CPUList formats CPUs for taskset -c ("0", "0,2", "4-7").
func CPUList(cpus []int) string {
	var parts []string
	for i := 0; i < len(cpus); {
		j := i
		for j+1 < len(cpus) && cpus[j+1] == cpus[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d-%d", cpus[i], cpus[j]))
		} else {
			parts = append(parts, strconv.Itoa(cpus[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}
