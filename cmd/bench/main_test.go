package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/record"
	"github.com/wsbench/wsbench/cmd/internal/rundir"
	"github.com/wsbench/wsbench/internal/proctest"
	"github.com/wsbench/wsbench/servers/registry"
)

func runBench(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestFlagsOverrideTheMatrix(t *testing.T) {
	o, err := parseFlags(strings.Fields("-quick -libs gorilla,rest -sizes 64,256 -conns 5 -idle-conns 7 -trials 2 "+
		"-duration 300ms -warmup 0 -rate 100 -publish-rate 5 -window 2 -hold 1s -no-drift -scenarios echo-closed,echo-open,broadcast,connect"), os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	c, err := matrix(o)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Libs, []string{"gorilla", "rest"}) || c.Trials != 2 || c.Duration.Duration != 300*time.Millisecond ||
		c.Warmup.Duration != 0 || c.Drift {
		t.Errorf("matrix %+v", c)
	}
	for _, s := range c.Scenarios {
		switch s.Scenario {
		case config.Connect:
			if !slices.Equal(s.Conns, []int{7}) || s.Hold.Duration != time.Second {
				t.Errorf("connect %+v", s)
			}
		default:
			if !slices.Equal(s.Sizes, []int{64, 256}) || !slices.Equal(s.Conns, []int{5}) {
				t.Errorf("%s %+v", s.Scenario, s)
			}
		}
	}
	if c.Spec(config.EchoOpen).Rate != 100 || c.Spec(config.Broadcast).Rate != 5 || c.Spec(config.EchoClosed).Window != 2 {
		t.Errorf("rates/window: %+v", c.Scenarios)
	}
	o, _ = parseFlags(nil, os.Stderr)
	if c, err := matrix(o); err != nil || !slices.Equal(c.Libs, registry.Names()) || c.Trials != config.Default().Trials {
		t.Errorf("default matrix: %v %v", c.Libs, err)
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"-libs", "nope"},
		{"-scenarios", "ping"},
		{"-sizes", "x"},
		{"-nosuchflag"},
		{"extra"},
		{"-budget", "1s"},
		{"-server-cpus", "a"},
		{"-seed", "-1"},
		{"-server-cpu-quota", "-0.5"},
		{"-quota-period", "100us"},
		{"-server-cpu-quota", "0.25", "-quota-period", "2ms"}, // 0.5 ms per period: under the kernel's 1 ms
	} {
		code, _, errs := runBench(t, append(args, "-results", t.TempDir())...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", args, code, errs)
		}
	}
}

func TestDryRunPrintsPlan(t *testing.T) {
	var libs []config.Lib
	for _, l := range registry.All() {
		libs = append(libs, config.Lib{Name: l.Name, Proto: string(l.Proto)})
	}
	ref := config.Default()
	ref.Compression.Variants = deflateVariants
	all := len(ref.Cells(libs))
	code, out, _ := runBench(t, "-dry-run")
	if code != 0 || !strings.Contains(out, fmt.Sprintf("planned: %d cells", all)) || !strings.Contains(out, "gorilla/connect/19000c") ||
		!strings.Contains(out, "gorilla/echo-open/1024B/1000c@50%") || !strings.Contains(out, "gorilla+1-in-flight/echo-closed/1024B/1000c") ||
		!strings.Contains(out, "rest+new-conn/echo-closed/64B/1000c") || !strings.Contains(out, "sockjs+xhr-polling/broadcast/1024B/1000c") ||
		!strings.Contains(out, "gorilla+deflate-no-context-takeover/echo-open/16384B/100c@256/s/json") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	noVariants := config.Default()
	noVariants.Compression = nil
	for i := range noVariants.Scenarios {
		noVariants.Scenarios[i].Variants = nil
	}
	code, out, _ = runBench(t, "-dry-run", "-no-variants")
	if code != 0 || !strings.Contains(out, fmt.Sprintf("planned: %d cells", len(noVariants.Cells(libs)))) || strings.Contains(out, "rest+") || strings.Contains(out, "sockjs+") {
		t.Errorf("-no-variants: exit %d:\n%s", code, out)
	}
	code, out, _ = runBench(t, "-dry-run", "-seed", "12345")
	if code != 0 || !strings.Contains(out, "seed 12345") {
		t.Errorf("-seed: exit %d:\n%s", code, out)
	}
	code, out, _ = runBench(t, "-print-config", "-quick")
	var c config.Config
	if code != 0 || json.Unmarshal([]byte(out), &c) != nil || c.Trials != 1 {
		t.Errorf("print-config: exit %d:\n%s", code, out)
	}
}

func TestRunDirsAreNeverReused(t *testing.T) {
	parent := t.TempDir()
	d1, n1, err := newRunDir(parent, "")
	if err != nil {
		t.Fatal(err)
	}
	d2, n2, err := newRunDir(parent, "")
	if err != nil || d1 == d2 || n1 == n2 {
		t.Errorf("two default runs: %s %s %v", d1, d2, err)
	}
	if _, _, err := newRunDir(parent, n1); err == nil {
		t.Errorf("reused %s", n1)
	}
	if _, _, err := newRunDir(parent, "../x"); err == nil {
		t.Error("accepted a name with a slash")
	}
}

// e2eMatrix is the end-to-end matrix: three libraries, every scenario, a
// variant of each kind, one trial of one second.
const e2eMatrix = `{"libs":["gorilla","rest","sockjs"],"trials":1,"warmup":"200ms","duration":"1s","drift":true,"compression":null,
"scenarios":[
 {"scenario":"echo-closed","sizes":[256],"conns":[20],"window":1,"variants":[{"variant":"http-new-conn"}]},
 {"scenario":"echo-open","sizes":[256],"conns":[20],"rate":500},
 {"scenario":"broadcast","sizes":[256],"conns":[20],"rate":10,"publishers":1,"poll_interval":"100ms",
  "variants":[{"variant":"longpoll"},{"variant":"sse"},{"variant":"sockjs-xhr-streaming"},{"variant":"sockjs-xhr-polling"}]},
 {"scenario":"connect","conns":[200],"hold":"300ms"}]}`

// TestEndToEnd runs the real servers and load generator over a tiny
// matrix (e2eMatrix), variant cells included.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binaries")
	}
	root, err := rundir.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	proctest.Mark(t)
	parent := t.TempDir()
	bin := t.TempDir()
	for _, pkg := range []string{"servers", "loadgen"} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(bin, pkg), "./cmd/"+pkg)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build ./cmd/%s: %v\n%s", pkg, err, out)
		}
	}
	matrix := filepath.Join(parent, "matrix.json")
	if err := os.WriteFile(matrix, []byte(e2eMatrix), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-config", matrix, "-name", "e2e", "-results", parent, "-seed", "7",
		"-servers-bin", filepath.Join(bin, "servers"), "-loadgen-bin", filepath.Join(bin, "loadgen")}
	usage, _ := exec.Command(filepath.Join(bin, "loadgen"), "-h").CombinedOutput()
	variants := true
	for _, flag := range []string{"-http-conn", "-subscribe", "-transport"} {
		if !strings.Contains(string(usage), flag) {
			t.Logf("the load generator has no %s flag yet: running without variant cells", flag)
			variants = false
		}
	}
	if !variants {
		args = append(args, "-no-variants")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 80*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	code := run(ctx, args, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	dir := filepath.Join(parent, "e2e")
	r, err := record.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := 12
	if variants {
		want += 5
	}
	if !r.Complete || len(r.Cells) != want || r.Drift == nil {
		t.Errorf("complete=%v cells=%d (want %d) drift=%v", r.Complete, len(r.Cells), want, r.Drift)
	}
	if r.Seed != 7 || len(r.Rounds) != 1 || len(r.Rounds[0].Order) == 0 {
		t.Errorf("seed %d, rounds %+v", r.Seed, r.Rounds)
	}
	for _, c := range r.Cells {
		if c.Status == record.StatusFailed {
			t.Errorf("%s failed: %s", c.ID, c.Reason)
			continue
		}
		tr := c.Trials[0]
		if tr.Result == nil || tr.Result.Server == nil || tr.Result.Server.PID != tr.ServerPID {
			t.Errorf("%s: result without the server's figures: %+v", c.ID, tr.Result)
		}
		if c.Variant == "" {
			t.Errorf("%s: no variant", c.ID)
		}
		if tr.Round != 1 {
			t.Errorf("%s: trial in round %d, want 1", c.ID, tr.Round)
		}
		if n, ok := c.Median[record.LastCount]; c.Scenario == config.Broadcast && (!ok || n <= 0) {
			t.Errorf("%s: no count of time-to-last-subscriber samples", c.ID)
		}
	}
	if variants {
		for _, id := range []string{"rest+new-conn/echo-closed/256B/20c", "rest+sse/broadcast/256B/20c", "sockjs+xhr-polling/broadcast/256B/20c"} {
			found := false
			for _, c := range r.Cells {
				if c.ID == id {
					found = true
					if c.Status != record.StatusFailed && c.Median[record.RequestsPerMsg] <= 0 {
						t.Errorf("%s: no HTTP requests counted", id)
					}
				}
			}
			if !found {
				t.Errorf("no cell %s", id)
			}
		}
	}
	e := r.Environment
	// The echo-open servers ran under the default CPU quota, or the run
	// says why not; either way no cgroup is left.
	if e.Split.ServerCPUQuota == 0 && !strings.Contains(e.Split.QuotaNote, "not applied") {
		t.Errorf("quota: %+v", e.Split)
	}
	if left, _ := filepath.Glob("/sys/fs/cgroup/cpu/wsbench-" + strconv.Itoa(os.Getpid())); len(left) > 0 {
		t.Errorf("cgroup left behind: %v", left)
	}
	if e.Libraries["gorilla"].Version == "" || e.Libraries["gorilla"].Version == "unknown" || e.CPUModel == "" || e.Kernel == "" {
		t.Errorf("environment: %+v", e)
	}
	for _, f := range []string{"REPORT.md", "results.csv", "results.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	if svgs, _ := filepath.Glob(filepath.Join(dir, "charts", "*.svg")); len(svgs) < 4 {
		t.Errorf("%d charts", len(svgs))
	}
	if !strings.Contains(out.String(), "Echo throughput") || !strings.Contains(out.String(), "The 5–10× claim: Against gorilla") {
		t.Errorf("terminal tables or claim summary missing:\n%s", out.String())
	}
	md, _ := os.ReadFile(filepath.Join(dir, "REPORT.md"))
	if !strings.Contains(string(md), "## The 5–10× claim") || !strings.Contains(string(md), "charts/claim-ratios.svg") {
		t.Error("REPORT.md lacks the claim section or its chart")
	}
	for _, s := range proctest.Survivors() {
		t.Errorf("child process survived: %s", s)
	}

	// make report: the tables come back from results.json alone.
	if err := os.Remove(filepath.Join(dir, "REPORT.md")); err != nil {
		t.Fatal(err)
	}
	code, rout, rerr := runBench(t, "-report", dir)
	if code != 0 || !strings.Contains(rout, "Echo throughput") || !strings.Contains(rout, "The 5–10× claim") {
		t.Errorf("-report: exit %d\n%s\n%s", code, rout, rerr)
	}
	if _, err := os.Stat(filepath.Join(dir, "REPORT.md")); err != nil {
		t.Error(err)
	}
}

func TestCompareCommand(t *testing.T) {
	run := "../../bench/report/testdata/results.json"
	out := filepath.Join(t.TempDir(), "c.json")
	code, stdout, errs := runBench(t, "-compare", run, run, "-json", out)
	if code != 0 || !strings.Contains(stdout, "rank agreement (Kendall's tau, weighted by pairs): 1.000") {
		t.Fatalf("exit %d: %s %s", code, stdout, errs)
	}
	b, err := os.ReadFile(out)
	var rep struct {
		RankAgreement *float64 `json:"rank_agreement"`
		Cells         []any    `json:"cells"`
	}
	if err != nil || json.Unmarshal(b, &rep) != nil || rep.RankAgreement == nil || *rep.RankAgreement != 1 || len(rep.Cells) == 0 {
		t.Errorf("JSON %v: %s", err, b)
	}
	for _, args := range [][]string{{"-compare", run}, {"-json", out}} {
		if code, _, _ := runBench(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if code, _, _ := runBench(t, "-compare", run, "no/such/run"); code != 1 {
		t.Errorf("a missing run: exit %d, want 1", code)
	}
}
