// Package demo makes a small invented run for the tests of the slides and
// for the browser check in CI: four WebSocket libraries, the REST
// baseline and the raw-TCP ceiling, echo closed loop, echo open loop at
// three loads (fractions of each library's capacity, the highest one
// client-limited for one library) plus one absolute rate, broadcast and connect,
// and a conformance run. The numbers come from bench/fixture: nothing
// here is a measurement.
package demo

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/fixture"
	"github.com/wsbench/wsbench/bench/record"
)

// Libs are the demo run's libraries.
var Libs = []string{"gorilla", "coder", "gws", "nbio", "rest", "tcp"}

// Loads are the open-loop offered loads (fractions of each library's
// closed-loop capacity at 1 KiB); the last one is client-limited for
// ClientLimitedLib. Rate is an absolute offered rate for every library.
var Loads = []float64{0.25, 0.5, 0.9}

// Rate is the absolute open-loop rate offered to every library.
const Rate = 5000

// ClientLimitedLib is the library whose highest open-loop point is
// client-limited.
const ClientLimitedLib = "coder"

func proto(lib string) string {
	if lib == "rest" {
		return "http"
	}
	return "ws"
}

// Run is the demo run. withOpen adds the open-loop cells.
func Run(withOpen bool) *record.Run {
	d := func(s string) config.Duration {
		v, _ := time.ParseDuration(s)
		return config.D(v)
	}
	cfg := config.Config{Libs: Libs, Trials: 5, Warmup: d("500ms"), Duration: d("2s"), Scenarios: []config.Spec{
		{Scenario: config.EchoClosed, Sizes: []int{64, 1024}, Conns: []int{100}, Window: 4},
		{Scenario: config.Broadcast, Sizes: []int{1024}, Conns: []int{100}, Rate: 20, Publishers: 1},
		{Scenario: config.Connect, Conns: []int{1000}, Hold: d("2s")},
	}}
	if withOpen {
		cfg.Scenarios = append(cfg.Scenarios, config.Spec{Scenario: config.EchoOpen, Sizes: []int{1024}, Conns: []int{100}, Rate: Rate, Loads: Loads})
	}
	run := &record.Run{
		Name: "demo", StartedAt: "2026-01-02T03:04:05Z", PlannedS: 60, ElapsedS: 58, Complete: true,
		Environment: record.Environment{
			Host: "demo-host", CPUModel: "Demo CPU @ 3.0GHz", Cores: 2, Kernel: "6.1.0", OS: "linux", Arch: "amd64",
			GoVersion: "go1.26.0", GitCommit: "0123456789abcdef", Libraries: map[string]record.Library{},
			Split:  record.Split{ServerCPUs: []int{0}, ClientCPUs: []int{1}, Pinned: true, Taskset: "/usr/bin/taskset"},
			Matrix: cfg,
		},
	}
	for _, lib := range Libs {
		run.Environment.Libraries[lib] = record.Library{Module: "example.com/" + lib, Version: "v1.0.0", Proto: proto(lib)}
	}
	capacity := map[string]float64{} // closed-loop 1 KiB msgs/s per library
	add := func(c config.Cell, limited bool) {
		c.Proto = proto(c.Lib)
		c.Variant = config.DefaultVariant(c.Proto, c.Scenario)
		c.Warmup, c.Duration = cfg.Warmup.Duration, cfg.Duration.Duration
		rc := record.CellFrom(c)
		for n := 1; n <= cfg.Trials; n++ {
			res := fixture.Result(fixture.Params{
				Lib: c.Lib, Scenario: c.Scenario.LoadgenScenario(), Mode: c.Scenario.Mode(), Proto: c.Proto,
				Conns: c.Conns, Size: c.PayloadBytes, Rate: c.Rate, Duration: c.Duration, Warmup: c.Warmup,
				Hold: c.Hold, Trial: n, Jitter: 0.02, Variant: string(c.Variant),
			})
			if c.Scenario == config.EchoOpen {
				// Latency grows as the load nears the library's capacity.
				k := 1 / (1 - min(c.Rate/capacity[c.Lib], 0.95))
				res.LatencyUS.P50 *= k
				res.LatencyUS.P99 *= k * k
			}
			rc.Trials = append(rc.Trials, record.Trial{N: n, StartedAt: run.StartedAt, WallS: 3, Addr: "127.0.0.1:1", Result: &res})
		}
		record.Summarize(&rc, 1, cfg.Trials)
		if limited {
			rc.Status, rc.Flags = record.StatusClientLimited, []string{record.StatusClientLimited}
			rc.Reason = "client-limited: invented for the demo"
		}
		if c.Scenario == config.EchoClosed && c.PayloadBytes == 1024 {
			capacity[c.Lib] = rc.Median[record.MsgsPerSec]
		}
		run.Cells = append(run.Cells, rc)
	}
	for _, lib := range Libs {
		for _, size := range []int{64, 1024} {
			add(config.Cell{Lib: lib, Scenario: config.EchoClosed, PayloadBytes: size, Conns: 100, Window: 4}, false)
		}
		if withOpen && lib != "tcp" {
			add(config.Cell{Lib: lib, Scenario: config.EchoOpen, PayloadBytes: 1024, Conns: 100, Rate: Rate}, false)
			for i, l := range Loads {
				add(config.Cell{Lib: lib, Scenario: config.EchoOpen, PayloadBytes: 1024, Conns: 100, Load: l, Rate: l * capacity[lib]},
					lib == ClientLimitedLib && i == len(Loads)-1)
			}
		}
		if lib != "tcp" {
			add(config.Cell{Lib: lib, Scenario: config.Broadcast, PayloadBytes: 1024, Conns: 100, Rate: 20, Publishers: 1}, false)
			add(config.Cell{Lib: lib, Scenario: config.Connect, Conns: 1000, Hold: 2 * time.Second}, false)
		}
	}
	return run
}

// WriteConformance writes results/conformance/2026-01-01-demo/conformance.json
// under root: gorilla and gws pass, nbio fails two cases.
func WriteConformance(root string) (string, error) {
	type cs struct {
		ID       string `json:"id"`
		Category string `json:"category"`
		Verdict  string `json:"verdict"`
	}
	type lib struct {
		Lib    string         `json:"lib"`
		Cases  []cs           `json:"cases"`
		Counts map[string]int `json:"counts"`
	}
	mk := func(name string, verdicts ...string) lib {
		l := lib{Lib: name, Counts: map[string]int{}}
		for i, v := range verdicts {
			l.Cases = append(l.Cases, cs{ID: "1.1." + string(rune('1'+i)), Category: "framing", Verdict: v})
			l.Counts[v]++
		}
		return l
	}
	doc := map[string]any{"libraries": []lib{
		mk("gorilla", "OK", "OK", "OK", "NON-STRICT"),
		mk("gws", "OK", "OK", "OK", "OK"),
		mk("nbio", "OK", "FAILED", "FAILED", "UNIMPLEMENTED"),
		mk("coder", "OK", "OK", "NON-STRICT", "INFORMATIONAL"),
	}}
	dir := filepath.Join(root, "conformance", "2026-01-01-demo")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return "", err
	}
	p := filepath.Join(dir, "conformance.json")
	return p, os.WriteFile(p, b, 0o644)
}
