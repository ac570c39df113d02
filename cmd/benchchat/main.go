// Command benchchat runs the chat matrix (bench/chatmatrix), a matrix of
// its own beside the reference one: per chat library, the capacity search
// in two shapes of rooms and the mostly idle crowd; then the claim for
// chat, WebSocket against the REST baseline at equal rates.
//
//	go run ./cmd/benchchat [-libs gorilla,gws] [-budget 19m] [-no-crowd] [-no-claim]
//
// Results go to results/chat/<date-host>/: results.json (written after
// every run), SUMMARY.md, and logs/ with each run's load generator JSON.
// Exit 0 when done, 1 on a failure or an interruption (partial results
// kept), 2 on bad usage.
package main

import (
	"context"
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
	"github.com/wsbench/wsbench/bench/runner"
	"github.com/wsbench/wsbench/cmd/internal/chatrun"
	"github.com/wsbench/wsbench/cmd/internal/rundir"
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
	dryRun, noCrowd, noClaim                       bool
	seed                                           uint64
	seedSet                                        bool
}

// claimText names the claim's REST variants and rates, or says it is off.
func claimText(c chatmatrix.Claim) string {
	if len(c.Rates) == 0 {
		return "off"
	}
	var rates []string
	for _, r := range c.Rates {
		rates = append(rates, strconv.FormatFloat(r, 'g', -1, 64))
	}
	return strings.Join(c.Variants, "/") + " at " + strings.Join(rates, ", ") + "/s per publisher"
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o := &options{}
	fs := flag.NewFlagSet("benchchat", flag.ContinueOnError)
	fs.SetOutput(stderr)
	all := chatrun.Libs()
	fs.StringVar(&o.libs, "libs", "", "comma-separated `libraries` (default: every chat library: "+strings.Join(chatrun.Names(all), ", ")+")")
	fs.StringVar(&o.resultsDir, "results", filepath.Join("results", "chat"), "parent `DIR` of run directories")
	fs.StringVar(&o.name, "name", "", "run name (default: date, time and host); an existing run is never overwritten")
	fs.DurationVar(&o.budget, "budget", 0, "refuse to start when the planned duration exceeds this (0: no limit)")
	fs.BoolVar(&o.dryRun, "dry-run", false, "print the plan, run nothing")
	fs.StringVar(&o.reportDir, "report", "", "rewrite SUMMARY.md of an existing chat run `DIR` from its results.json; measure nothing")
	fs.BoolVar(&o.noCrowd, "no-crowd", false, "skip the idle crowd")
	fs.BoolVar(&o.noClaim, "no-claim", false, "skip the claim for chat (WebSocket against the REST baseline)")
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
	if o.noClaim {
		cfg.Claim = chatmatrix.Claim{}
	}
	libs := all
	if o.libs != "" {
		cfg.Libs = strings.Split(o.libs, ",")
		libs = slices.DeleteFunc(slices.Clone(all), func(l chatmatrix.Lib) bool { return !slices.Contains(cfg.Libs, l.Name) })
	}
	if err := cfg.Validate(chatrun.Names(all)); err != nil {
		fmt.Fprintf(stderr, "benchchat: %v\n", err)
		return 2
	}
	plan := cfg.Estimate(len(libs))
	fmt.Fprintf(stdout, "benchchat: %d libraries (%s), %d shapes, crowd of %d, claim over REST %s; planned at most %s\n",
		len(libs), strings.Join(chatrun.Names(libs), ", "), len(cfg.Shapes), cfg.Crowd.Conns, claimText(cfg.Claim), plan.Round(time.Second))
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
	if !split.Pinned || split.Note != "" {
		fmt.Fprintf(stderr, "benchchat: warning: %s\n", split.Note)
	}
	st := &chatrun.Stage{Config: cfg, Libs: libs, Seed: o.seed, Dir: dir, Name: name,
		Servers: serversCmd, Loadgen: loadgenCmd, Repo: repo, Split: split, Prefix: "benchchat"}
	if _, err := st.Run(ctx, stdout, stderr); err != nil {
		return fmt.Errorf("interrupted; partial results saved in %s: %w", dir, err)
	}
	return nil
}

// report rewrites a run's SUMMARY.md from its results.json.
func report(dir string, stdout io.Writer) error {
	res, err := chatmatrix.Load(dir)
	if err != nil {
		return err
	}
	return chatrun.WriteSummary(dir, res, stdout)
}
