package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain lets the end-to-end test run this test binary as the broker
// process (-serve-broker), as clusterbench runs itself.
func TestMain(m *testing.M) {
	if os.Getenv("CLUSTERBENCH_RUN_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func TestUsage(t *testing.T) {
	bin := t.TempDir()
	for _, name := range []string{"servers", "loadgen"} {
		if err := os.WriteFile(filepath.Join(bin, name), nil, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-bin", t.TempDir()}, "build them"},
		{[]string{"-bin", bin, "-libs", "nope"}, `unknown library "nope"`},
		{[]string{"-bin", bin, "-libs", "rest"}, "plain HTTP"},
		{[]string{"-bin", bin, "-nodes", "1,x"}, "not a count"},
		{[]string{"-bin", bin, "-nodes", ""}, "no count"},
		{[]string{"-bin", bin, "-storm", "0"}, "not a count"},
		{[]string{"-bin", bin, "-storm-rate", "0"}, "-storm-rate"},
		{[]string{"-bin", bin, "-big-libs", "nope"}, `unknown library "nope"`},
		{[]string{"-bin", bin, "-big-nodes", "254"}, "at most 253"},
		{[]string{"-bin", bin, "-big-conns", "1"}, "-big-conns"},
		{[]string{"-bin", bin, "-big-rate", "0"}, "-big-rate"},
		{[]string{"-bin", bin, "-nodes", "4", "-subs", "3"}, "fewer subscribers than nodes"},
		{[]string{"-bin", bin, "-rate", "0"}, "-rate"},
		{[]string{"-bin", bin, "-nats", "http://x:1"}, "want nats://"},
		{[]string{"-serve-broker", "nowhere"}, "not HOST:PORT"},
		{[]string{"extra"}, "unexpected argument"},
	} {
		var out, errb bytes.Buffer
		if code := run(tc.args, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2", tc.args, code)
		}
		if msg := strings.TrimSpace(errb.String()); strings.Count(msg, "\n") != 0 || !strings.Contains(msg, tc.want) {
			t.Errorf("%v: stderr %q, want one line mentioning %q", tc.args, errb.String(), tc.want)
		}
	}
}

// TestRun builds the servers and the load generator and runs a tiny
// cluster bench: every cell clean, and the report written.
func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binaries")
	}
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", bin+"/", "github.com/wsbench/wsbench/cmd/servers", "github.com/wsbench/wsbench/cmd/loadgen")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	t.Setenv("CLUSTERBENCH_RUN_MAIN", "1") // the broker process is this binary
	results := t.TempDir()
	var out, errb bytes.Buffer
	args := []string{"-bin", bin, "-libs", "gorilla", "-nodes", "1,2", "-subs", "4", "-rate", "50", "-duration", "400ms", "-warmup", "100ms",
		"-storm", "20", "-results", results,
		"-big-libs", "gorilla", "-big-nodes", "2", "-big-conns", "5", "-big-rate", "20", "-big-duration", "500ms", "-big-warmup", "100ms"}
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	dirs, _ := filepath.Glob(filepath.Join(results, "*"))
	if len(dirs) != 1 {
		t.Fatalf("run directories %v", dirs)
	}
	for _, f := range []string{"REPORT.md", "environment.txt", "log.txt", "cells/gorilla-1nodes.json", "cells/gorilla-2nodes.json"} {
		if _, err := os.Stat(filepath.Join(dirs[0], f)); err != nil {
			t.Error(err)
		}
	}
	b, err := os.ReadFile(filepath.Join(dirs[0], "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var sum Summary
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	rows := sum.Cells
	if len(sum.Storms) != 1 || sum.Storms[0].Result == nil || sum.Storms[0].Failure != "" || sum.Storms[0].PeakRSSBytes == 0 {
		t.Fatalf("storms %+v", sum.Storms)
	}
	if len(sum.Big) != 1 {
		t.Fatalf("%d many-connections cells, want 1", len(sum.Big))
	}
	if g := sum.Big[0]; g.Failure != "" || g.Held != 10 || g.Lost != 0 || g.Delivered == 0 || g.Delivered != g.Expected ||
		g.FanoutLastUS == nil || g.FanoutLastUS.Count != g.Published || g.Latency == nil || g.Latency.LatencyUS.Count != g.Delivered ||
		len(g.NodeRSSPeakBytes) != 2 || len(g.AgentRSSPeakBytes) != 2 || g.NodeRSSPerConn <= 0 {
		t.Errorf("many-connections cell %+v", g)
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2", len(rows))
	}
	for _, r := range rows {
		res := r.Result
		if r.Failure != "" || res == nil || res.Received != res.Expected || res.Expected == 0 || res.FanoutLastUS == nil {
			t.Fatalf("cell %s/%d: %+v", r.Lib, r.Nodes, r)
		}
		if r.Nodes == 2 && (res.Nodes != 2 || res.CrossNodeUS == nil || res.CrossNodeUS.Count == 0) {
			t.Errorf("two nodes: no cross-node deliveries: %+v", res)
		}
		if r.NodeMsgsOut < res.Received {
			t.Errorf("cell %s/%d: nodes wrote %d, subscribers received %d", r.Lib, r.Nodes, r.NodeMsgsOut, res.Received)
		}
	}
}
