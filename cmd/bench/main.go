// Command bench runs the benchmark matrix (every library × scenario ×
// payload size × connection count), then writes results/<run>/ with
// results.json, results.csv, REPORT.md and SVG charts.
//
//	go run ./cmd/bench                         # the reference matrix (≤ 25 min on 2 cores)
//	go run ./cmd/bench -quick -results results/quick
//	go run ./cmd/bench -libs gorilla,coder -scenarios echo-closed -sizes 1024 -trials 5
//	go run ./cmd/bench -config matrix.json -dry-run
//	go run ./cmd/bench -report results/<run>   # rebuild tables and charts only
//	go run ./cmd/bench -compare results/A results/B [-json FILE]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"github.com/wsbench/wsbench/bench/publish"
	"github.com/wsbench/wsbench/cmd/internal/rundir"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/wsbench/wsbench/bench/compare"
	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/envinfo"
	"github.com/wsbench/wsbench/bench/record"
	"github.com/wsbench/wsbench/bench/report"
	"github.com/wsbench/wsbench/bench/runner"
	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/server"
)

func main() {
	// The first Ctrl-C stops the run: the current trial's processes are
	// reaped and the partial results written. A second one kills the bench
	// at once; its children die with it (they are started with Pdeathsig).
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	runner.KillAll()
	os.Exit(code)
}

// options are the command line.
type options struct {
	configFile, reportDir, compareJSON       string
	compare                                  bool
	quick, dryRun, printConfig, noDrift      bool
	noVariants                               bool
	chat                                     bool
	libs, scenarios, sizes, conns, idleConns string
	preset                                   string
	rates, loads                             string
	trials                                   int
	duration, warmup, hold                   time.Duration
	rate, publishRate                        float64
	window                                   int
	resultsDir, name                         string
	budget                                   time.Duration
	serverCPUs, clientCPUs                   string
	serverCPUQuota                           float64
	quotaPeriod                              time.Duration
	serversBin, loadgenBin                   string
	compareRuns                              [2]string
	seed                                     uint64
	seedSet                                  bool
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.reportDir, "report", "", "rebuild REPORT.md, results.csv and charts of an existing run `DIR` from its results.json; measure nothing")
	fs.BoolVar(&o.compare, "compare", false, "compare two runs: bench -compare RUN_A RUN_B prints B/A per cell with its confidence and the rank agreement of every table")
	fs.StringVar(&o.compareJSON, "json", "", "with -compare: also write the comparison as JSON to `FILE`")
	fs.StringVar(&o.configFile, "config", "", "matrix `FILE` (JSON, see -print-config); flags below override it")
	fs.BoolVar(&o.quick, "quick", false, "start from the smoke matrix (1 trial, small counts, ≤ 2 min) instead of the reference one (as -matrix quick)")
	fs.StringVar(&o.preset, "matrix", "reference", "`preset` to start from: reference, quick (as -quick), or compression (permessage-deflate: each supporting library in each of its modes and off, on chat JSON, 16 KiB JSON and 16 KiB random payloads, alone; under 10 min; the reference matrix has them too, with fewer trials)")
	fs.BoolVar(&o.dryRun, "dry-run", false, "print the plan and the cells, run nothing")
	fs.BoolVar(&o.printConfig, "print-config", false, "print the effective matrix as JSON and exit")
	fs.StringVar(&o.libs, "libs", "", "comma-separated `libraries` (default: all registered)")
	fs.StringVar(&o.scenarios, "scenarios", "", "comma-separated subset of `scenarios`: echo-closed, echo-open, broadcast, connect")
	fs.StringVar(&o.sizes, "sizes", "", "payload `sizes` in bytes for echo and broadcast, e.g. 128,1024,16384")
	fs.StringVar(&o.conns, "conns", "", "connection `counts` for echo and subscriber counts for broadcast")
	fs.StringVar(&o.idleConns, "idle-conns", "", "connection `counts` for connect (idle memory)")
	fs.IntVar(&o.trials, "trials", 0, "trials per cell, for every scenario")
	fs.DurationVar(&o.duration, "duration", 0, "measured interval per trial")
	fs.DurationVar(&o.warmup, "warmup", -1, "warm-up per trial, excluded from the numbers")
	fs.DurationVar(&o.hold, "hold", 0, "how long connect holds its idle connections")
	fs.Float64Var(&o.rate, "rate", 0, "one offered rate of echo-open, msgs/s in total (replaces its rates and loads)")
	fs.StringVar(&o.rates, "rates", "", "offered `rates` of echo-open common to every library, msgs/s, e.g. 5000,25000")
	fs.StringVar(&o.loads, "loads", "", "offered `loads` of echo-open as fractions of each library's closed-loop capacity, e.g. 0.1,0.5,0.9")
	fs.Float64Var(&o.publishRate, "publish-rate", 0, "publishes/s of broadcast")
	fs.IntVar(&o.window, "window", 0, "messages in flight per connection in echo-closed")
	fs.BoolVar(&o.noDrift, "no-drift", false, "skip the drift check (the first cell measured again at the end)")
	fs.BoolVar(&o.noVariants, "no-variants", false, "skip the variant cells (HTTP with a new connection per request, long polling, SSE, SockJS xhr transports..., and the reference matrix's permessage-deflate cells): the library matrix only, no 5-10x claim rows beyond it")
	fs.BoolVar(&o.chat, "chat", true, "with the whole reference matrix: run the chat matrix (as benchchat: chat capacity per shape, the idle crowd) as the last stage, into <run>/chat/, reported with the run")
	fs.StringVar(&o.resultsDir, "results", "results", "parent `DIR` of run directories")
	fs.StringVar(&o.name, "name", "", "run name (default: date, time and host); an existing run is never overwritten")
	fs.DurationVar(&o.budget, "budget", 0, "refuse to start when the planned duration exceeds this (0: no limit)")
	fs.StringVar(&o.serverCPUs, "server-cpus", "", "CPUs for the server, taskset style (default: first half of the CPUs)")
	fs.StringVar(&o.clientCPUs, "client-cpus", "", "CPUs for the load generator (default: the other half)")
	fs.Func("seed", "`N` seeds the random order of the libraries in every round (default: from the clock; printed and recorded in results.json, so that a run's order can be repeated)", func(v string) error {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not an unsigned integer", v)
		}
		o.seed, o.seedSet = n, true
		return nil
	})
	fs.Float64Var(&o.serverCPUQuota, "server-cpu-quota", runner.DefaultServerCPUQuota, "run the servers of echo-open cells under a cgroup CPU quota of this many `CPUs` (0.25: a quarter of one), as a container with a CPU limit, so that the load generator keeps its schedule; 0: none")
	fs.DurationVar(&o.quotaPeriod, "quota-period", runner.DefaultQuotaPeriod, "CFS period of -server-cpu-quota (1ms to 1s)")
	fs.StringVar(&o.serversBin, "servers-bin", "", "use this servers `binary` instead of building ./servers")
	fs.StringVar(&o.loadgenBin, "loadgen-bin", "", "use this loadgen `binary` instead of building ./loadgen")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: bench [flags]\n       bench -report results/RUN\n\nlibraries: %s\n\n", strings.Join(registry.Names(), ", "))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err // the flag package has printed it
	}
	// Flags may also follow the arguments (bench -compare A B -json F).
	var pos []string
	for rest := fs.Args(); len(rest) > 0; rest = fs.Args() {
		pos = append(pos, rest[0])
		if err := fs.Parse(rest[1:]); err != nil {
			return nil, err
		}
	}
	if o.compare {
		if len(pos) != 2 {
			err := errors.New("-compare takes two run directories: bench -compare RUN_A RUN_B")
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return nil, err
		}
		o.compareRuns = [2]string{pos[0], pos[1]}
		return o, nil
	}
	if o.serverCPUQuota < 0 || o.quotaPeriod < time.Millisecond || o.quotaPeriod > time.Second {
		err := errors.New("-server-cpu-quota must be 0 (none) or positive, -quota-period between 1ms and 1s")
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return nil, err
	}
	if q := time.Duration(o.serverCPUQuota * float64(o.quotaPeriod)); o.serverCPUQuota > 0 && q < runner.MinQuotaRuntime {
		err := fmt.Errorf("-server-cpu-quota %g per -quota-period %s is %s of CPU time per period, under the kernel's smallest quota of %s: use a longer period", o.serverCPUQuota, o.quotaPeriod, q, runner.MinQuotaRuntime)
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return nil, err
	}
	if o.compareJSON != "" {
		err := errors.New("-json goes with -compare")
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return nil, err
	}
	if len(pos) > 0 {
		err := fmt.Errorf("unexpected argument %q", pos[0])
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return nil, err
	}
	return o, nil
}

// usageError marks errors that exit with status 2.
type usageError struct{ error }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if o.reportDir != "" {
		return rebuild(o.reportDir, stdout, stderr)
	}
	if o.compare {
		return compareRuns(o.compareRuns, o.compareJSON, stdout, stderr)
	}
	if err := measure(ctx, o, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		var ue usageError
		if errors.As(err, &ue) {
			return 2
		}
		return 1
	}
	return 0
}

// rebuild is `make report`.
func rebuild(dir string, stdout, stderr io.Writer) int {
	r, err := record.Load(dir)
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 1
	}
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		dir = filepath.Dir(dir)
	}
	if err := publish.Write(dir, r); err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 1
	}
	report.Terminal(stdout, r)
	fmt.Fprintf(stdout, "report: %s (and findings.json, slides.html, REPORT.html)\n", filepath.Join(dir, "REPORT.md"))
	return 0
}

// compareRuns is `make compare`.
func compareRuns(dirs [2]string, jsonPath string, stdout, stderr io.Writer) int {
	var runs [2]*record.Run
	for i, d := range dirs {
		r, err := record.Load(d)
		if err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return 1
		}
		runs[i] = r
	}
	rep := compare.Runs(runs[0], runs[1])
	rep.Text(stdout)
	if jsonPath != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err == nil {
			err = os.WriteFile(jsonPath, append(b, '\n'), 0o644)
		}
		if err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return 1
		}
	}
	return 0
}

// matrix builds the effective configuration from the preset, the file and
// the flags.
func matrix(o *options) (config.Config, error) {
	cfg := config.Default()
	switch {
	case o.quick && o.preset != "reference" && o.preset != "quick":
		return cfg, fmt.Errorf("-quick and -matrix %s: choose one", o.preset)
	case o.quick || o.preset == "quick":
		cfg = config.Quick()
	case o.preset == "compression":
		cfg = config.CompressionMatrix()
	case o.preset != "reference":
		return cfg, fmt.Errorf("-matrix %q: want reference, quick or compression", o.preset)
	}
	if o.configFile != "" {
		c, err := config.Load(o.configFile, cfg)
		if err != nil {
			return cfg, err
		}
		cfg = c
	}
	if o.libs != "" {
		cfg.Libs = splitList(o.libs)
	}
	if o.scenarios != "" {
		keep, err := config.ParseScenarios(o.scenarios)
		if err != nil {
			return cfg, err
		}
		cfg.Only(keep)
	}
	sizes, err := intList(o.sizes)
	if err != nil {
		return cfg, fmt.Errorf("-sizes: %w", err)
	}
	conns, err := intList(o.conns)
	if err != nil {
		return cfg, fmt.Errorf("-conns: %w", err)
	}
	idle, err := intList(o.idleConns)
	if err != nil {
		return cfg, fmt.Errorf("-idle-conns: %w", err)
	}
	rates, err := floatList(o.rates)
	if err != nil {
		return cfg, fmt.Errorf("-rates: %w", err)
	}
	loads, err := floatList(o.loads)
	if err != nil {
		return cfg, fmt.Errorf("-loads: %w", err)
	}
	for i := range cfg.Scenarios {
		s := &cfg.Scenarios[i]
		if s.Scenario == config.Connect {
			if idle != nil {
				s.Conns = idle
			}
			if o.hold > 0 {
				s.Hold = config.D(o.hold)
			}
			continue
		}
		if sizes != nil {
			s.Sizes = sizes
		}
		if conns != nil {
			s.Conns = conns
		}
		switch {
		case s.Scenario == config.EchoClosed && o.window > 0:
			s.Window = o.window
		case s.Scenario == config.EchoOpen:
			if o.rate > 0 {
				s.Rate, s.Rates, s.Loads = o.rate, nil, nil
			}
			if rates != nil {
				s.Rate, s.Rates = 0, rates
			}
			if loads != nil {
				s.Loads = loads
			}
		case s.Scenario == config.Broadcast && o.publishRate > 0:
			s.Rate = o.publishRate
		}
	}
	if o.trials > 0 {
		cfg.Trials = o.trials
		for i := range cfg.Scenarios {
			cfg.Scenarios[i].Trials = 0
		}
	}
	if o.duration > 0 {
		cfg.Duration = config.D(o.duration)
	}
	if o.warmup >= 0 {
		cfg.Warmup = config.D(o.warmup)
	}
	if o.noDrift {
		cfg.Drift = false
	}
	if o.noVariants {
		for i := range cfg.Scenarios {
			cfg.Scenarios[i].Variants = nil
		}
		if cfg.Compression != nil && len(cfg.Compression.Scenarios) > 0 {
			cfg.Compression = nil // the reference matrix's compression cells
		}
	}
	if len(cfg.Libs) == 0 {
		cfg.Libs = registry.Names()
	}
	if cfg.Compression != nil {
		cfg.Compression.Variants = deflateVariants
	}
	return cfg, cfg.Validate(registry.Names())
}

// deflateVariants are the permessage-deflate variants lib declares in the
// registry (servers -deflate, -deflate-level).
func deflateVariants(lib string) []server.Deflate {
	l, _ := registry.Lookup(lib)
	return l.Deflate.Variants()
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func intList(s string) ([]int, error) {
	if s == "" {
		return nil, nil
	}
	var out []int
	for _, f := range splitList(s) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive integer", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func floatList(s string) ([]float64, error) {
	if s == "" {
		return nil, nil
	}
	var out []float64
	for _, f := range splitList(s) {
		x, err := strconv.ParseFloat(f, 64)
		if err != nil || x <= 0 {
			return nil, fmt.Errorf("%q is not a positive number", f)
		}
		out = append(out, x)
	}
	return out, nil
}

func measure(ctx context.Context, o *options, stdout, stderr io.Writer) error {
	cfg, err := matrix(o)
	if err != nil {
		return usageError{err}
	}
	if o.printConfig {
		b, err := json.MarshalIndent(cfg, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, string(b))
		return nil
	}
	var libs []config.Lib
	var infos []envinfo.Lib
	for _, name := range cfg.Libs {
		l, _ := registry.Lookup(name)
		libs = append(libs, config.Lib{Name: l.Name, Proto: string(l.Proto)})
		infos = append(infos, envinfo.Lib{Name: l.Name, Module: l.Module, Proto: string(l.Proto)})
	}
	cells := cfg.Cells(libs)
	costs := config.DefaultCosts
	if o.serversBin != "" && o.loadgenBin != "" {
		costs.Build = 0
	}
	plan := cfg.PlanFor(cells, costs)
	if !o.seedSet {
		// Below 2^53, so that JSON readers with doubles (jq, JavaScript)
		// read the recorded seed exactly.
		o.seed = uint64(time.Now().UnixNano()) & (1<<53 - 1)
	}
	chat := chatStage(o, cfg.Libs)
	total := plan.Total
	fmt.Fprintf(stdout, "bench: %d libraries (%s), %s\n", len(libs), strings.Join(cfg.Libs, ", "), trialsText(cfg))
	fmt.Fprintf(stdout, "bench: %s\n", plan)
	if chat != nil {
		total += chat.Plan()
		fmt.Fprintf(stdout, "bench: then the chat matrix: %d libraries, planned at most %s; %s in all\n", len(chat.Libs), chat.Plan().Round(time.Second), total.Round(time.Second))
	}
	fmt.Fprintf(stdout, "bench: seed %d (-seed %d repeats this order of the rounds)\n", o.seed, o.seed)
	if o.dryRun {
		for _, c := range cells {
			fmt.Fprintf(stdout, "  %-40s ~%s per trial\n", c.ID(), costs.Estimate(c).Round(100*time.Millisecond))
		}
		return nil
	}
	if o.budget > 0 && total > o.budget {
		return usageError{fmt.Errorf("planned %s exceeds the budget of %s: shrink the matrix, -chat=false, or raise -budget", total.Round(time.Second), o.budget)}
	}

	split, err := cpuSplit(o)
	if err != nil {
		return usageError{err}
	}
	repo, err := rundir.ModuleRoot()
	if err != nil {
		return err
	}
	if o.name != "" {
		if _, err := os.Stat(filepath.Join(o.resultsDir, o.name)); err == nil {
			return usageError{fmt.Errorf("%s exists; runs are never overwritten: pick another -name", filepath.Join(o.resultsDir, o.name))}
		}
	}
	serversCmd, loadgenCmd, cleanup, err := rundir.Binaries(ctx, repo, "bench", o.serversBin, o.loadgenBin, stdout)
	if err != nil {
		return err
	}
	defer cleanup()
	dir, name, err := newRunDir(o.resultsDir, o.name)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "bench: writing %s\n", dir)

	env, warnings := envinfo.Collect(serversCmd, repo, infos)
	env.Split = split
	env.Matrix = cfg
	env.Plan = plan
	start := time.Now()
	rec := &record.Run{
		Name:        name,
		StartedAt:   start.UTC().Format(time.RFC3339),
		PlannedS:    plan.Total.Seconds(),
		Environment: env,
		Warnings:    warnings,
	}
	if !split.Pinned || split.Note != "" {
		fmt.Fprintf(stderr, "bench: warning: %s\n", split.Note)
	}

	var progress runner.Progress = &lineProgress{w: stderr}
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		progress = newBarProgress(stderr)
	}
	r := &runner.Runner{
		Cells:    cells,
		Trials:   cfg.Trials,
		Drift:    cfg.Drift,
		Seed:     o.seed,
		Server:   []string{serversCmd},
		Loadgen:  []string{loadgenCmd},
		Split:    split,
		Dir:      dir,
		Costs:    costs,
		Progress: progress,

		ServerCPUQuota: o.serverCPUQuota,
		QuotaPeriod:    o.quotaPeriod,
		Checkpoint: func() {
			rec.ElapsedS = time.Since(start).Seconds()
			if err := record.Save(dir, rec); err != nil {
				fmt.Fprintf(stderr, "bench: saving results: %v\n", err)
			}
		},
	}
	runErr := r.Run(ctx, rec)
	if runErr == nil && chat != nil {
		runErr = runChat(ctx, chat, dir, repo, serversCmd, loadgenCmd, split, stdout, stderr)
	}
	rec.FinishedAt = time.Now().UTC().Format(time.RFC3339)
	rec.ElapsedS = time.Since(start).Seconds()
	if err := record.Save(dir, rec); err != nil {
		return err
	}
	if err := publish.Write(dir, rec); err != nil {
		return err
	}
	report.Terminal(stdout, rec)
	if t := noiseText(rec); t != "" {
		fmt.Fprintf(stdout, "bench: %s\n", t)
	}
	fmt.Fprintf(stdout, "bench: took %s (planned %s); report: %s\n",
		time.Since(start).Round(time.Second), total.Round(time.Second), filepath.Join(dir, "REPORT.md"))
	if runErr != nil {
		return fmt.Errorf("interrupted; partial results saved in %s", dir)
	}
	return nil
}

// trialsText says how many trials the cells get, per scenario where they
// differ.
func trialsText(cfg config.Config) string {
	var parts []string
	same := true
	for _, s := range cfg.Scenarios {
		n := cfg.Trials
		if s.Trials > 0 {
			n = s.Trials
		}
		same = same && n == cfg.Trials
		parts = append(parts, fmt.Sprintf("%s %d", s.Scenario, n))
	}
	if same {
		return fmt.Sprintf("%d trials per cell", cfg.Trials)
	}
	return "trials per cell: " + strings.Join(parts, ", ")
}

func cpuSplit(o *options) (record.Split, error) {
	var server, client []int
	var err error
	if o.serverCPUs != "" {
		if server, err = runner.ParseCPUList(o.serverCPUs); err != nil {
			return record.Split{}, fmt.Errorf("-server-cpus: %w", err)
		}
	}
	if o.clientCPUs != "" {
		if client, err = runner.ParseCPUList(o.clientCPUs); err != nil {
			return record.Split{}, fmt.Errorf("-client-cpus: %w", err)
		}
	}
	return runner.NewSplit(server, client)
}

// newRunDir creates results/<name> (rundir.New); a bad or taken name is a
// usage error.
func newRunDir(parent, name string) (string, string, error) {
	dir, n, err := rundir.New(parent, name)
	if errors.Is(err, rundir.ErrBadName) || (name != "" && errors.Is(err, os.ErrExist)) {
		if errors.Is(err, os.ErrExist) {
			err = fmt.Errorf("%w: pick another -name", err)
		}
		return "", "", usageError{err}
	}
	return dir, n, err
}
