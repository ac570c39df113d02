// Package chatrun runs the chat matrix (bench/chatmatrix) into a run
// directory: what `benchchat` does on its own and `bench` does as the
// reference run's last stage (into <run>/chat/).
package chatrun

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/wsbench/wsbench/bench/chatmatrix"
	"github.com/wsbench/wsbench/bench/envinfo"
	"github.com/wsbench/wsbench/bench/record"
	"github.com/wsbench/wsbench/bench/runner"
	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/server"
)

// Dir is the chat stage's directory inside a reference run.
const Dir = chatmatrix.StageDir

// Libs are the registered libraries that speak the chat protocol, in
// registry order.
func Libs() []chatmatrix.Lib {
	var out []chatmatrix.Lib
	for _, l := range registry.All() {
		if l.Chat && (l.Proto == server.ProtoWS || l.Proto == server.ProtoSockJS) {
			out = append(out, chatmatrix.Lib{Name: l.Name, Proto: string(l.Proto)})
		}
	}
	return out
}

// Names are libs' names.
func Names(libs []chatmatrix.Lib) []string {
	var out []string
	for _, l := range libs {
		out = append(out, l.Name)
	}
	return out
}

// Only keeps the libraries of libs named in names (all of them when names
// is empty).
func Only(libs []chatmatrix.Lib, names []string) []chatmatrix.Lib {
	if len(names) == 0 {
		return libs
	}
	keep := map[string]bool{}
	for _, n := range names {
		keep[n] = true
	}
	var out []chatmatrix.Lib
	for _, l := range libs {
		if keep[l.Name] {
			out = append(out, l)
		}
	}
	return out
}

// Stage is one chat matrix run.
type Stage struct {
	Config chatmatrix.Config
	Libs   []chatmatrix.Lib
	Seed   uint64
	// Dir is the run directory (created by the caller), Name its name.
	Dir, Name string
	// Servers and Loadgen are the built binaries; Repo the module root.
	Servers, Loadgen, Repo string
	Split                  record.Split
	// Prefix starts every progress line ("benchchat", "bench: chat").
	Prefix string
}

// Plan is the stage's planned duration at most.
func (s *Stage) Plan() time.Duration { return s.Config.Estimate(len(s.Libs)) }

// Run measures the stage, saving results.json after every point and
// SUMMARY.md at the end (also written to stdout). The results are returned
// with the error of an interruption, if any.
func (s *Stage) Run(ctx context.Context, stdout, stderr io.Writer) (*chatmatrix.Results, error) {
	var infos []envinfo.Lib
	for _, l := range s.Libs {
		lib, _ := registry.Lookup(l.Name)
		infos = append(infos, envinfo.Lib{Name: l.Name, Module: lib.Module, Proto: l.Proto})
	}
	env, warnings := envinfo.Collect(s.Servers, s.Repo, infos)
	env.Split = s.Split
	plan := s.Plan()
	start := time.Now()
	res := &chatmatrix.Results{
		Name: s.Name, StartedAt: start.UTC().Format(time.RFC3339), PlannedS: plan.Seconds(), Seed: s.Seed,
		Config: s.Config, Environment: env, Warnings: warnings,
	}
	r := &runner.Runner{Server: []string{s.Servers}, Loadgen: []string{s.Loadgen}, Split: s.Split, Dir: s.Dir}
	save := func() {
		res.ElapsedS = time.Since(start).Seconds()
		if err := chatmatrix.Save(s.Dir, res); err != nil {
			fmt.Fprintf(stderr, "%s: saving results: %v\n", s.Prefix, err)
		}
	}
	progress := func(line string) {
		fmt.Fprintf(stderr, "%s: [%s] %s\n", s.Prefix, time.Since(start).Round(time.Second), line)
	}
	// The searches' (and the claim's) servers run under the quota, the
	// crowd's without: its server CPU is a result.
	cfg, search := s.Config, r.Once
	if cfg.ServerCPUQuota > 0 && len(cfg.Shapes) > 0 {
		rq := *r
		rq.ServerCPUQuota = cfg.ServerCPUQuota
		if w := rq.StartOnceQuota(&res.Environment, "capacity search"); w != "" {
			res.Warnings = append(res.Warnings, w)
			fmt.Fprintf(stderr, "%s: warning: %s\n", s.Prefix, w)
		}
		defer func() {
			if err := rq.StopOnceQuota(); err != nil {
				fmt.Fprintf(stderr, "%s: warning: %v\n", s.Prefix, err)
			}
		}()
		search, cfg.CrowdMeasure = rq.OnceQuota, r.Once
	}
	runErr := cfg.Run(ctx, s.Libs, search, res, progress, save)
	res.FinishedAt = time.Now().UTC().Format(time.RFC3339)
	save()
	if err := WriteSummary(s.Dir, res, stdout); err != nil {
		return res, err
	}
	fmt.Fprintf(stdout, "%s: took %s (planned at most %s)\n", s.Prefix, time.Since(start).Round(time.Second), plan.Round(time.Second))
	return res, runErr
}

// WriteSummary writes dir/SUMMARY.md, and the same to w.
func WriteSummary(dir string, res *chatmatrix.Results, w io.Writer) error {
	f, err := os.Create(filepath.Join(dir, "SUMMARY.md"))
	if err != nil {
		return err
	}
	chatmatrix.Summary(io.MultiWriter(f, w), res)
	return f.Close()
}
