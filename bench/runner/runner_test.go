package runner

import (
	"context"
	"fmt"
	"math"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/record"
	"github.com/wsbench/wsbench/internal/proctest"
	"github.com/wsbench/wsbench/loadgen/scenario"
)

func TestMain(m *testing.M) {
	if fakeMain(os.Args[1:]) {
		return
	}
	os.Exit(m.Run())
}

// tinyConfig is two scenarios with short trials.
func tinyConfig(trials int) config.Config {
	return config.Config{
		Trials:   trials,
		Warmup:   config.D(50 * time.Millisecond),
		Duration: config.D(200 * time.Millisecond),
		Scenarios: []config.Spec{
			{Scenario: config.EchoClosed, Sizes: []int{64}, Conns: []int{10}, Window: 1},
			{Scenario: config.Connect, Conns: []int{10}, Hold: config.D(100 * time.Millisecond)},
		},
	}
}

// fakeRunner runs the test binary as server and load generator. Every
// child carries a token in its environment so that survivors can be found.
// A library is "name" (WebSocket) or "name:proto".
func fakeRunner(t *testing.T, cfg config.Config, libs ...string) *Runner {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	proctest.Mark(t)
	// The race runtime sleeps a second at exit by default; the children
	// are this race-built test binary.
	t.Setenv("GORACE", "atexit_sleep_ms=0")
	var ls []config.Lib
	for _, l := range libs {
		name, proto, ok := strings.Cut(l, ":")
		if !ok {
			proto = "ws"
		}
		ls = append(ls, config.Lib{Name: name, Proto: proto})
	}
	split, err := NewSplit(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &Runner{
		Cells:   cfg.Cells(ls),
		Trials:  cfg.Trials,
		Drift:   cfg.Drift,
		Seed:    99,
		Server:  []string{exe, "fake-server"},
		Loadgen: []string{exe, "fake-loadgen"},
		Split:   split,
		Dir:     t.TempDir(),
		Costs:   config.Costs{Fixed: 200 * time.Millisecond, DialRate: 10000},
		// Deadlines, not expectations: generous, so that a loaded machine
		// (race-built children, busy CPUs) does not fail a test.
		HealthTimeout: 20 * time.Second,
		StopGrace:     500 * time.Millisecond,
		Slack:         10 * time.Second,
	}
}

// assertNoSurvivors fails if a process started by this test still runs or
// a server still listens.
func assertNoSurvivors(t *testing.T, run *record.Run) {
	t.Helper()
	for _, s := range proctest.Survivors() {
		t.Errorf("child process survived: %s", s)
	}
	for _, c := range run.Cells {
		for _, tr := range c.Trials {
			if tr.Addr == "" {
				continue
			}
			if conn, err := net.DialTimeout("tcp", tr.Addr, time.Second); err == nil {
				conn.Close()
				t.Errorf("%s trial %d: something still listens on %s", c.ID, tr.N, tr.Addr)
			}
		}
	}
	live.Lock()
	n := len(live.m)
	live.Unlock()
	if n != 0 {
		t.Errorf("%d children still registered as live", n)
	}
}

func cellByID(t *testing.T, run *record.Run, id string) *record.Cell {
	t.Helper()
	for i := range run.Cells {
		if run.Cells[i].ID == id {
			return &run.Cells[i]
		}
	}
	t.Fatalf("no cell %s", id)
	return nil
}

func TestRunAllGood(t *testing.T) {
	cfg := tinyConfig(2)
	cfg.Drift = true
	r := fakeRunner(t, cfg, "alpha", "beta")
	saves := 0
	r.Checkpoint = func() { saves++ }
	var run record.Run
	if err := r.Run(context.Background(), &run); err != nil {
		t.Fatal(err)
	}
	if !run.Complete || run.Interrupted {
		t.Errorf("complete=%v interrupted=%v", run.Complete, run.Interrupted)
	}
	if len(run.Cells) != 4 {
		t.Fatalf("%d cells, want 4", len(run.Cells))
	}
	for _, c := range run.Cells {
		if c.Status == record.StatusFailed {
			t.Errorf("%s failed: %s", c.ID, c.Reason)
		}
		if len(c.Trials) != 2 {
			t.Errorf("%s: %d trials, want 2", c.ID, len(c.Trials))
		}
		if c.Median == nil || c.MedianTrial < 0 {
			t.Errorf("%s: no median", c.ID)
		}
		for _, tr := range c.Trials {
			if tr.Result == nil || tr.ServerPID == 0 {
				t.Errorf("%s trial %d: result %v pid %d", c.ID, tr.N, tr.Result != nil, tr.ServerPID)
			}
		}
	}
	if run.Drift == nil || !run.Drift.Comparable || run.Drift.CellID != "alpha/echo-closed/64B/10c" {
		t.Errorf("drift = %+v", run.Drift)
	}
	// The rounds are recorded with the seed, and every trial names its
	// round; the drift check's trials are outside the rounds.
	if run.Seed != r.Seed || len(run.Rounds) != 2 {
		t.Errorf("seed %d (runner %d), %d rounds", run.Seed, r.Seed, len(run.Rounds))
	}
	for i, rd := range run.Rounds {
		if rd.Index != i+1 || len(rd.Order) != 2 || !slices.Contains(rd.Order, "alpha") || !slices.Contains(rd.Order, "beta") {
			t.Errorf("round %d: %+v", i+1, rd)
		}
	}
	for _, c := range run.Cells {
		for _, tr := range c.Trials {
			if tr.Round != tr.N {
				t.Errorf("%s trial %d: round %d", c.ID, tr.N, tr.Round)
			}
		}
	}
	for _, tr := range run.Drift.Again.Trials {
		if tr.Round != 0 {
			t.Errorf("drift trial %d in round %d", tr.N, tr.Round)
		}
	}
	if want := 4*2 + 2; saves != want+1 {
		t.Errorf("%d checkpoints, want %d", saves, want+1)
	}
	logs, _ := filepath.Glob(filepath.Join(r.Dir, "logs", "*.server.log"))
	if len(logs) != 10 {
		t.Errorf("%d server logs, want 10 (one per trial)", len(logs))
	}
	assertNoSurvivors(t, &run)
}

func TestServerCrashMidRun(t *testing.T) {
	cfg := tinyConfig(2)
	cfg.Duration = config.D(time.Second)
	cfg.Scenarios = cfg.Scenarios[:1]
	r := fakeRunner(t, cfg, "crash", "alpha")
	var run record.Run
	if err := r.Run(context.Background(), &run); err != nil {
		t.Fatal(err)
	}
	c := cellByID(t, &run, "crash/echo-closed/64B/10c")
	if c.Status != record.StatusFailed || !strings.Contains(c.Reason, "server exited during the trial") {
		t.Errorf("crash cell: status %s, reason %q", c.Status, c.Reason)
	}
	if len(c.Trials) != 1 {
		t.Errorf("crash cell ran %d trials; the second should be skipped", len(c.Trials))
	}
	if c.Median != nil {
		t.Errorf("failed cell has medians: %v", c.Median)
	}
	if ok := cellByID(t, &run, "alpha/echo-closed/64B/10c"); ok.Status == record.StatusFailed {
		t.Errorf("alpha failed: %s", ok.Reason)
	}
	if !run.Complete {
		t.Error("run did not complete")
	}
	assertNoSurvivors(t, &run)
}

func TestServerDoesNotStart(t *testing.T) {
	r := fakeRunner(t, tinyConfig(3), "nostart", "alpha")
	var run record.Run
	if err := r.Run(context.Background(), &run); err != nil {
		t.Fatal(err)
	}
	first := cellByID(t, &run, "nostart/echo-closed/64B/10c")
	if first.Status != record.StatusFailed || !strings.Contains(first.Reason, "exited before it was ready") ||
		!strings.Contains(first.Reason, "boom") {
		t.Errorf("first cell: %s %q", first.Status, first.Reason)
	}
	second := cellByID(t, &run, "nostart/connect/10c")
	if second.Status != record.StatusFailed || !strings.Contains(second.Reason, "not run") {
		t.Errorf("second cell: %s %q", second.Status, second.Reason)
	}
	if cellByID(t, &run, "alpha/connect/10c").Status == record.StatusFailed {
		t.Error("alpha failed")
	}
	if logs, _ := filepath.Glob(filepath.Join(r.Dir, "logs", "nostart*.server.log")); len(logs) != 1 {
		t.Errorf("%d start attempts of the broken server, want 1: %v", len(logs), logs)
	}
	assertNoSurvivors(t, &run)
}

func TestHungLoadgenHitsDeadline(t *testing.T) {
	t.Setenv("BENCH_FAKE_LOADGEN", "hang")
	cfg := tinyConfig(1)
	cfg.Scenarios = cfg.Scenarios[:1]
	r := fakeRunner(t, cfg, "stubborn")
	r.Slack = time.Second // a shorter hard deadline (the health allowance stays: starting may be slow)
	var run record.Run
	if err := r.Run(context.Background(), &run); err != nil {
		t.Fatal(err)
	}
	c := run.Cells[0]
	if c.Status != record.StatusFailed || !strings.Contains(c.Reason, "hard deadline") {
		t.Errorf("status %s, reason %q", c.Status, c.Reason)
	}
	if notes := strings.Join(c.Trials[0].Notes, ";"); !strings.Contains(notes, "killed") {
		t.Errorf("stubborn server: notes %q, want a SIGKILL note", notes)
	}
	assertNoSurvivors(t, &run)
}

func TestLostMessagesFailTheCell(t *testing.T) {
	t.Setenv("BENCH_FAKE_LOADGEN", "lost")
	cfg := tinyConfig(1)
	cfg.Scenarios = cfg.Scenarios[:1]
	r := fakeRunner(t, cfg, "alpha")
	var run record.Run
	if err := r.Run(context.Background(), &run); err != nil {
		t.Fatal(err)
	}
	c := run.Cells[0]
	if c.Status != record.StatusFailed || !strings.Contains(c.Reason, "3 lost") {
		t.Errorf("status %s, reason %q", c.Status, c.Reason)
	}
	assertNoSurvivors(t, &run)
}

func TestDisturbedTrialRunsAgain(t *testing.T) {
	t.Setenv("BENCH_FAKE_LOADGEN", "disturbed-once")
	cfg := tinyConfig(2)
	cfg.Scenarios = cfg.Scenarios[:1]
	r := fakeRunner(t, cfg, "alpha")
	var run record.Run
	if err := r.Run(context.Background(), &run); err != nil {
		t.Fatal(err)
	}
	c := run.Cells[0]
	if c.Status == record.StatusFailed || len(c.Trials) != 2 {
		t.Fatalf("status %s, %d trials, want 2 good ones", c.Status, len(c.Trials))
	}
	for _, tr := range c.Trials {
		if f := tr.Result.Foreign; f == nil || f.CPUUtil > record.DisturbedCPU {
			t.Errorf("trial %d kept its disturbed attempt: %+v", tr.N, f)
		}
		if notes := strings.Join(tr.Notes, ";"); !strings.Contains(notes, "discarded attempt 1") || !strings.Contains(notes, "0.60 CPU") {
			t.Errorf("trial %d notes %q: want the discarded attempt and its reading", tr.N, notes)
		}
	}
	assertNoSurvivors(t, &run)
}

func TestDisturbedTrialRetriesAreBounded(t *testing.T) {
	t.Setenv("BENCH_FAKE_LOADGEN", "disturbed")
	cfg := tinyConfig(1)
	cfg.Scenarios = cfg.Scenarios[:1]
	r := fakeRunner(t, cfg, "alpha")
	var run record.Run
	if err := r.Run(context.Background(), &run); err != nil {
		t.Fatal(err)
	}
	tr := run.Cells[0].Trials[0]
	if len(tr.Notes) != MaxDisturbedRetries || tr.Result.Foreign.CPUUtil <= record.DisturbedCPU {
		t.Errorf("notes %q: want %d discarded attempts and the last, still disturbed, kept", tr.Notes, MaxDisturbedRetries)
	}
	if logs, _ := filepath.Glob(filepath.Join(r.Dir, "logs", "*.server.log")); len(logs) != 1 {
		t.Errorf("logs %v: the attempts share the trial's log names", logs)
	}
	assertNoSurvivors(t, &run)
}

func TestLoadgenUsageError(t *testing.T) {
	t.Setenv("BENCH_FAKE_LOADGEN", "usage")
	cfg := tinyConfig(1)
	cfg.Scenarios = cfg.Scenarios[:1]
	r := fakeRunner(t, cfg, "alpha")
	var run record.Run
	if err := r.Run(context.Background(), &run); err != nil {
		t.Fatal(err)
	}
	if c := run.Cells[0]; c.Status != record.StatusFailed || !strings.Contains(c.Reason, "rejected its arguments") {
		t.Errorf("status %s, reason %q", c.Status, c.Reason)
	}
	assertNoSurvivors(t, &run)
}

func TestInterruptReapsChildren(t *testing.T) {
	cfg := tinyConfig(3)
	cfg.Duration = config.D(5 * time.Second)
	r := fakeRunner(t, cfg, "alpha", "beta")
	began := make(chan struct{}, 100)
	r.Progress = beginSignal(began)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-began
		time.Sleep(300 * time.Millisecond) // let the load generator start
		cancel()
	}()
	var run record.Run
	start := time.Now()
	err := r.Run(ctx, &run)
	if err == nil || !run.Interrupted || run.Complete {
		t.Fatalf("err=%v interrupted=%v complete=%v", err, run.Interrupted, run.Complete)
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("interrupt took %s", d)
	}
	for _, c := range run.Cells {
		if len(c.Trials) != 0 {
			t.Errorf("%s kept %d trials of an interrupted run", c.ID, len(c.Trials))
		}
	}
	assertNoSurvivors(t, &run)
}

// variantConfig is one echo and one broadcast spec with a variant each.
func variantConfig() config.Config {
	return config.Config{
		Trials:   1,
		Warmup:   config.D(50 * time.Millisecond),
		Duration: config.D(200 * time.Millisecond),
		Scenarios: []config.Spec{
			{Scenario: config.EchoClosed, Sizes: []int{64}, Conns: []int{10}, Window: 1,
				Variants: []config.VariantSpec{{Variant: config.VariantHTTPNewConn}}},
			{Scenario: config.Broadcast, Sizes: []int{64}, Conns: []int{10}, Rate: 10, Publishers: 1, PollInterval: config.D(100 * time.Millisecond),
				Variants: []config.VariantSpec{{Variant: config.VariantSSE}, {Variant: config.VariantSockJSXHRStreaming}}},
		},
	}
}

func TestVariantCellsRun(t *testing.T) {
	r := fakeRunner(t, variantConfig(), "alpha", "rest:http", "sj:sockjs")
	var run record.Run
	if err := r.Run(context.Background(), &run); err != nil {
		t.Fatal(err)
	}
	want := map[string]config.Variant{
		"alpha/echo-closed/64B/10c":          config.VariantWS,
		"alpha/broadcast/64B/10c":            config.VariantWS,
		"rest/echo-closed/64B/10c":           config.VariantHTTPKeepAlive,
		"rest+new-conn/echo-closed/64B/10c":  config.VariantHTTPNewConn,
		"rest/broadcast/64B/10c":             config.VariantPoll,
		"rest+sse/broadcast/64B/10c":         config.VariantSSE,
		"sj/echo-closed/64B/10c":             config.VariantSockJSWebSocket,
		"sj/broadcast/64B/10c":               config.VariantSockJSWebSocket,
		"sj+xhr-streaming/broadcast/64B/10c": config.VariantSockJSXHRStreaming,
	}
	if len(run.Cells) != len(want) {
		t.Errorf("%d cells, want %d", len(run.Cells), len(want))
	}
	for _, c := range run.Cells {
		v, ok := want[c.ID]
		if !ok {
			t.Errorf("unexpected cell %s", c.ID)
			continue
		}
		// The fake load generator reports the variant its flags select;
		// the runner fails a trial whose variant differs from the cell's.
		if c.Variant != v || c.Status == record.StatusFailed {
			t.Errorf("%s: variant %s status %s (%s)", c.ID, c.Variant, c.Status, c.Reason)
		}
		if c.Extra != strings.Contains(c.ID, "+") {
			t.Errorf("%s: extra=%v", c.ID, c.Extra)
		}
	}
	assertNoSurvivors(t, &run)
}

func TestWrongVariantFailsTheCell(t *testing.T) {
	t.Setenv("BENCH_FAKE_LOADGEN", "othervariant")
	cfg := variantConfig()
	cfg.Scenarios = cfg.Scenarios[:1]
	r := fakeRunner(t, cfg, "rest:http")
	var run record.Run
	if err := r.Run(context.Background(), &run); err != nil {
		t.Fatal(err)
	}
	for _, c := range run.Cells {
		if c.Status != record.StatusFailed || !strings.Contains(c.Reason, `ran variant "sse"`) {
			t.Errorf("%s: status %s, reason %q", c.ID, c.Status, c.Reason)
		}
	}
	assertNoSurvivors(t, &run)
}

type beginSignal chan struct{}

func (b beginSignal) Start(time.Duration)         {}
func (b beginSignal) Begin(string, time.Duration) { b <- struct{}{} }
func (b beginSignal) End(time.Duration, string)   {}
func (b beginSignal) Finish()                     {}

func TestLoadgenArgs(t *testing.T) {
	cells := config.Default().Cells([]config.Lib{{Name: "sockjs", Proto: "sockjs"}, {Name: "rest", Proto: "http"}, {Name: "tcp", Proto: "tcp"}})
	for _, c := range cells {
		if c.Load > 0 {
			c.Rate = 1234 // the runner sets it from the measured capacity
		}
		args := LoadgenArgs(c, "127.0.0.1:9", 42, 0.5, "/tmp/x.json", 10*time.Second)
		a := strings.Join(args, " ")
		if !strings.HasSuffix(a, " -json /tmp/x.json") {
			t.Errorf("%s: args %q do not end with -json", c.ID(), a)
			continue
		}
		got, err := scenario.Parse(args[:len(args)-2])
		if err != nil {
			t.Errorf("%s: the load generator refuses %q: %v", c.ID(), a, err)
			continue
		}
		want := c.Loadgen()
		want.URL, want.ServerPID, want.ServerCPUs, want.Timeout = baseURL(c.Proto, "127.0.0.1:9"), 42, 0.5, 10*time.Second
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %q reads as\n%+v, want\n%+v", c.ID(), a, got, want)
		}
		if c.Scenario == config.EchoClosed {
			window := config.DefaultWindow
			if c.Proto == "http" {
				window = 1 // HTTP/1.1: one request in flight per connection
			}
			if got.Window != window || got.Rate != 0 {
				t.Errorf("%s: window %d at rate %g, want %d closed-loop", c.ID(), got.Window, got.Rate, window)
			}
		}
		if c.Extra != (strings.Contains(a, "-http-conn") || strings.Contains(a, "-subscribe") ||
			strings.Contains(a, "-transport") || strings.Contains(a, "-poll-interval 50ms") || strings.Contains(a, "-poll-interval 1s")) {
			t.Errorf("%s: variant flags in %q do not match extra=%v", c.ID(), a, c.Extra)
		}
		if (c.Variant == config.VariantPoll) != strings.Contains(a, "-poll-interval") {
			t.Errorf("%s: -poll-interval in %q", c.ID(), a)
		}
		wantURL := "-url ws://127.0.0.1:9 "
		switch c.Proto {
		case "http", "tcp":
			wantURL = "-url " + c.Proto + "://127.0.0.1:9 "
		}
		if !strings.Contains(a, wantURL) {
			t.Errorf("%s: %q lacks %s", c.ID(), a, wantURL)
		}
	}
}

func TestCPUs(t *testing.T) {
	s, c := SplitCPUs([]int{0, 1})
	if fmt.Sprint(s, c) != "[0] [1]" {
		t.Errorf("2 CPUs: %v %v", s, c)
	}
	s, c = SplitCPUs([]int{0, 1, 2, 3, 4, 5, 6, 7})
	if CPUList(s) != "0-3" || CPUList(c) != "4-7" {
		t.Errorf("8 CPUs: %v %v", s, c)
	}
	s, c = SplitCPUs([]int{3})
	if fmt.Sprint(s, c) != "[3] [3]" {
		t.Errorf("1 CPU: %v %v", s, c)
	}
	got, err := ParseCPUList("4-6,0,9")
	if err != nil || CPUList(got) != "0,4-6,9" {
		t.Errorf("ParseCPUList: %v %v", got, err)
	}
	for _, bad := range []string{"", "a", "3-1", "-1"} {
		if _, err := ParseCPUList(bad); err == nil {
			t.Errorf("ParseCPUList(%q) accepted", bad)
		}
	}
}

// An open-loop cell given as a fraction of capacity runs at that fraction
// of its library's closed-loop median, fixed at its first trial; without a
// good closed-loop cell it fails with the reason instead of running.
func TestOpenLoopAtFractionOfCapacity(t *testing.T) {
	cfg := tinyConfig(2)
	cfg.Scenarios = []config.Spec{
		{Scenario: config.EchoClosed, Sizes: []int{64}, Conns: []int{10}, Window: 1},
		{Scenario: config.EchoOpen, Sizes: []int{64}, Conns: []int{10}, Loads: []float64{0.5}, Rates: []float64{100}},
	}
	r := fakeRunner(t, cfg, "alpha")
	var run record.Run
	if err := r.Run(context.Background(), &run); err != nil {
		t.Fatal(err)
	}
	closed, half, fixed := run.Cells[0], run.Cells[1], run.Cells[2]
	if half.ID != "alpha/echo-open/64B/10c@50%" || fixed.ID != "alpha/echo-open/64B/10c@100/s" {
		t.Fatalf("cells %s, %s", half.ID, fixed.ID)
	}
	if half.Status == record.StatusFailed || half.CapacityRef != closed.ID {
		t.Fatalf("half: %s (%s), capacity from %q", half.Status, half.Reason, half.CapacityRef)
	}
	// Fixed at the first trial: half of the closed-loop trial of round 1.
	first := closed.Trials[0].Result.MsgsPerSec
	if want := roundRate(0.5 * first); half.Rate != want {
		t.Errorf("rate %v, want %v (half of %v)", half.Rate, want, first)
	}
	for _, tr := range half.Trials {
		if tr.Result == nil || tr.Result.RateTarget != half.Rate {
			t.Errorf("trial %d ran at %v, want %v", tr.N, tr.Result.RateTarget, half.Rate)
		}
	}
	if fixed.Rate != 100 || fixed.Trials[0].Result.RateTarget != 100 {
		t.Errorf("absolute rate cell: %+v", fixed.Rate)
	}

	// No capacity: the closed-loop cell loses messages, so it has no
	// median to take a fraction of.
	t.Setenv("BENCH_FAKE_LOADGEN", "lost")
	r = fakeRunner(t, cfg, "beta")
	run = record.Run{}
	if err := r.Run(context.Background(), &run); err != nil {
		t.Fatal(err)
	}
	if c := run.Cells[1]; c.Status != record.StatusFailed || !strings.Contains(c.Reason, "no closed-loop capacity") {
		t.Errorf("without capacity: %s %q", c.Status, c.Reason)
	}
}

func TestRoundRate(t *testing.T) {
	for in, want := range map[float64]float64{47561.5: 47600, 999.4: 999, 12.345: 12.3, 0: 0} {
		if got := roundRate(in); math.Abs(got-want) > 1e-9 {
			t.Errorf("roundRate(%v) = %v, want %v", in, got, want)
		}
	}
}

// With three entries per column the run measures its own noise floor and
// every cell gets a round-adjusted spread.
func TestRunMeasuresNoiseFloor(t *testing.T) {
	r := fakeRunner(t, tinyConfig(2), "alpha", "beta", "gamma")
	var run record.Run
	if err := r.Run(context.Background(), &run); err != nil {
		t.Fatal(err)
	}
	for _, c := range run.Cells {
		if c.Status == record.StatusFailed {
			t.Fatalf("%s failed: %s", c.ID, c.Reason)
		}
		for _, k := range record.KeyMetrics(c.Scenario) {
			if _, ok := c.RoundSpread[k]; !ok {
				t.Errorf("%s: no round spread of %s", c.ID, k)
			}
			if _, ok := run.NoiseFloor[record.FloorKey(&c, k)]; !ok {
				t.Errorf("no noise floor for %s", record.FloorKey(&c, k))
			}
		}
	}
}
