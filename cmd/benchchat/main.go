// Command benchchat runs the chat matrix (bench/chatmatrix), a matrix of
// its own beside the reference one: per chat library, the capacity search
// in two shapes of rooms and the mostly idle crowd.
//
//	go run ./cmd/benchchat [-libs gorilla,gws] [-budget 15m]
//
// Results go to results/chat/<date-host>/: results.json (written after
// every run), SUMMARY.md, and logs/ with each run's load generator JSON.
// Exit 0 when done, 1 on a failure or an interruption (partial results
// kept), 2 on bad usage.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/wsbench/wsbench/bench/chatmatrix"
	"github.com/wsbench/wsbench/bench/envinfo"
	"github.com/wsbench/wsbench/bench/runner"
	"github.com/wsbench/wsbench/cmd/internal/rundir"
	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/server"
)

func main() {
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

type options struct {
	libs, resultsDir, name, serversBin, loadgenBin string
	reportDir                                      string
	budget                                         time.Duration
	dryRun, noCrowd                                bool
	seed                                           uint64
	seedSet                                        bool
}

// chatLibs are the registered libraries with the chat protocol.
func chatLibs() []chatmatrix.Lib {
	var out []chatmatrix.Lib
	for _, l := range registry.All() {
		if l.Chat && (l.Proto == server.ProtoWS || l.Proto == server.ProtoSockJS) {
			out = append(out, chatmatrix.Lib{Name: l.Name, Proto: string(l.Proto)})
		}
	}
	return out
}

func names(libs []chatmatrix.Lib) []string {
	var out []string
	for _, l := range libs {
		out = append(out, l.Name)
	}
	return out
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o := &options{}
	fs := flag.NewFlagSet("benchchat", flag.ContinueOnError)
	fs.SetOutput(stderr)
	all := chatLibs()
	fs.StringVar(&o.libs, "libs", "", "comma-separated `libraries` (default: every chat library: "+strings.Join(names(all), ", ")+")")
	fs.StringVar(&o.resultsDir, "results", filepath.Join("results", "chat"), "parent `DIR` of run directories")
	fs.StringVar(&o.name, "name", "", "run name (default: date, time and host); an existing run is never overwritten")
	fs.DurationVar(&o.budget, "budget", 0, "refuse to start when the planned duration exceeds this (0: no limit)")
	fs.BoolVar(&o.dryRun, "dry-run", false, "print the plan, run nothing")
	fs.StringVar(&o.reportDir, "report", "", "rewrite SUMMARY.md of an existing chat run `DIR` from its results.json; measure nothing")
	fs.BoolVar(&o.noCrowd, "no-crowd", false, "skip the idle crowd")
	fs.StringVar(&o.serversBin, "servers-bin", "", "use this servers `binary` instead of building ./cmd/servers")
	fs.StringVar(&o.loadgenBin, "loadgen-bin", "", "use this loadgen `binary` instead of building ./cmd/loadgen")
	fs.Func("seed", "`N` seeds the random order of the libraries (default: from the clock; recorded in results.json)", func(v string) error {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not an unsigned integer", v)
		}
		o.seed, o.seedSet = n, true
		return nil
	})
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "benchchat: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if o.reportDir != "" {
		if err := report(o.reportDir, stdout); err != nil {
			fmt.Fprintf(stderr, "benchchat: %v\n", err)
			return 1
		}
		return 0
	}
	cfg := chatmatrix.Default()
	if o.noCrowd {
		cfg.Crowd = chatmatrix.Crowd{}
	}
	libs := all
	if o.libs != "" {
		cfg.Libs = strings.Split(o.libs, ",")
		libs = slices.DeleteFunc(slices.Clone(all), func(l chatmatrix.Lib) bool { return !slices.Contains(cfg.Libs, l.Name) })
	}
	if err := cfg.Validate(names(all)); err != nil {
		fmt.Fprintf(stderr, "benchchat: %v\n", err)
		return 2
	}
	plan := cfg.Estimate(len(libs))
	fmt.Fprintf(stdout, "benchchat: %d libraries (%s), %d shapes, crowd of %d; planned at most %s\n",
		len(libs), strings.Join(names(libs), ", "), len(cfg.Shapes), cfg.Crowd.Conns, plan.Round(time.Second))
	if o.dryRun {
		return 0
	}
	if o.budget > 0 && plan > o.budget {
		fmt.Fprintf(stderr, "benchchat: planned %s exceeds the budget of %s: fewer -libs, -no-crowd, or raise -budget\n", plan.Round(time.Second), o.budget)
		return 2
	}
	if !o.seedSet {
		o.seed = uint64(time.Now().UnixNano()) & (1<<53 - 1)
	}
	if err := measure(ctx, o, cfg, libs, plan, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "benchchat: %v\n", err)
		return 1
	}
	return 0
}

func measure(ctx context.Context, o *options, cfg chatmatrix.Config, libs []chatmatrix.Lib, plan time.Duration, stdout, stderr io.Writer) error {
	split, err := runner.NewSplit(nil, nil)
	if err != nil {
		return err
	}
	repo, err := rundir.ModuleRoot()
	if err != nil {
		return err
	}
	serversCmd, loadgenCmd, cleanup, err := rundir.Binaries(ctx, repo, "benchchat", o.serversBin, o.loadgenBin, stdout)
	if err != nil {
		return err
	}
	defer cleanup()
	dir, name, err := rundir.New(o.resultsDir, o.name)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "benchchat: writing %s (seed %d)\n", dir, o.seed)
	var infos []envinfo.Lib
	for _, l := range libs {
		lib, _ := registry.Lookup(l.Name)
		infos = append(infos, envinfo.Lib{Name: l.Name, Module: lib.Module, Proto: l.Proto})
	}
	env, warnings := envinfo.Collect(serversCmd, repo, infos)
	env.Split = split
	if !split.Pinned || split.Note != "" {
		fmt.Fprintf(stderr, "benchchat: warning: %s\n", split.Note)
	}
	start := time.Now()
	res := &chatmatrix.Results{
		Name: name, StartedAt: start.UTC().Format(time.RFC3339), PlannedS: plan.Seconds(), Seed: o.seed,
		Config: cfg, Environment: env, Warnings: warnings,
	}
	r := &runner.Runner{Server: []string{serversCmd}, Loadgen: []string{loadgenCmd}, Split: split, Dir: dir}
	save := func() {
		res.ElapsedS = time.Since(start).Seconds()
		if err := chatmatrix.Save(dir, res); err != nil {
			fmt.Fprintf(stderr, "benchchat: saving results: %v\n", err)
		}
	}
	progress := func(line string) {
		fmt.Fprintf(stderr, "benchchat: [%s] %s\n", time.Since(start).Round(time.Second), line)
	}
	// The searches' servers run under the quota, the crowd's without.
	search := r.Once
	if cfg.ServerCPUQuota > 0 && len(cfg.Shapes) > 0 {
		rq := *r
		rq.ServerCPUQuota = cfg.ServerCPUQuota
		if w := rq.StartOnceQuota(&res.Environment, "capacity search"); w != "" {
			res.Warnings = append(res.Warnings, w)
			fmt.Fprintf(stderr, "benchchat: warning: %s\n", w)
		}
		defer func() {
			if err := rq.StopOnceQuota(); err != nil {
				fmt.Fprintf(stderr, "benchchat: warning: %v\n", err)
			}
		}()
		search, cfg.CrowdMeasure = rq.OnceQuota, r.Once
	}
	runErr := cfg.Run(ctx, libs, search, res, progress, save)
	res.FinishedAt = time.Now().UTC().Format(time.RFC3339)
	save()
	if err := writeSummary(dir, res, stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "benchchat: took %s (planned at most %s)\n", time.Since(start).Round(time.Second), plan.Round(time.Second))
	if runErr != nil {
		return fmt.Errorf("interrupted; partial results saved in %s: %w", dir, runErr)
	}
	return nil
}

// writeSummary writes dir/SUMMARY.md, and the same to stdout.
func writeSummary(dir string, res *chatmatrix.Results, stdout io.Writer) error {
	f, err := os.Create(filepath.Join(dir, "SUMMARY.md"))
	if err != nil {
		return err
	}
	chatmatrix.Summary(io.MultiWriter(f, stdout), res)
	return f.Close()
}

// report rewrites a run's SUMMARY.md from its results.json.
func report(dir string, stdout io.Writer) error {
	b, err := os.ReadFile(filepath.Join(dir, chatmatrix.FileName))
	if err != nil {
		return err
	}
	var res chatmatrix.Results
	if err := json.Unmarshal(b, &res); err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(dir, chatmatrix.FileName), err)
	}
	return writeSummary(dir, &res, stdout)
}
