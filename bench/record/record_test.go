package record

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/fixture"
	"github.com/wsbench/wsbench/loadgen/result"
)

func echoCell(trials int, tweak func(n int, r *result.Result)) Cell {
	c := CellFrom(config.Cell{Lib: "gorilla", Proto: "ws", Scenario: config.EchoClosed, PayloadBytes: 1024, Conns: 100,
		Window: 1, Duration: time.Second})
	for n := 1; n <= trials; n++ {
		r := fixture.Result(fixture.Params{Lib: "gorilla", Scenario: "echo", Mode: "closed", Conns: 100, Size: 1024,
			Duration: time.Second, Trial: n, Jitter: 0.01})
		if tweak != nil {
			tweak(n, &r)
		}
		c.Trials = append(c.Trials, Trial{N: n, Result: &r})
	}
	return c
}

func TestMedian(t *testing.T) {
	if Median([]float64{3, 1, 2}) != 2 || Median([]float64{4, 1, 3, 2}) != 2.5 || !math.IsNaN(Median(nil)) {
		t.Error("Median is wrong")
	}
}

func TestSummarizeOK(t *testing.T) {
	c := echoCell(3, func(n int, r *result.Result) { r.MsgsPerSec = []float64{100, 104, 98}[n-1] })
	Summarize(&c, 1, 3)
	if c.Status != StatusOK || c.Flags != nil || c.Reason != "" {
		t.Errorf("status %s flags %v reason %q", c.Status, c.Flags, c.Reason)
	}
	if c.Median[MsgsPerSec] != 100 || c.Min[MsgsPerSec] != 98 || c.Max[MsgsPerSec] != 104 {
		t.Errorf("msgs/s %v %v %v", c.Median[MsgsPerSec], c.Min[MsgsPerSec], c.Max[MsgsPerSec])
	}
	if c.MedianTrial != 0 {
		t.Errorf("median trial %d, want 0 (the one at 100)", c.MedianTrial)
	}
	if _, ok := c.Median[LastP50]; ok {
		t.Error("echo cell has a fan-out metric")
	}
}

func TestSummarizeNoisyAndClientBound(t *testing.T) {
	c := echoCell(3, func(n int, r *result.Result) {
		r.MsgsPerSec = []float64{100, 120, 95}[n-1]
		r.Server.CPUUtil = 1.5 // of 2 CPUs: below 90%
	})
	Summarize(&c, 2, 3)
	if c.Status != StatusClientBound || len(c.Flags) != 2 || c.Flags[1] != StatusNoisy {
		t.Errorf("status %s flags %v", c.Status, c.Flags)
	}
	if !strings.Contains(c.Reason, "server used 1.50 of 2 CPU") || !strings.Contains(c.Reason, "spread 25%") {
		t.Errorf("reason %q", c.Reason)
	}
	Summarize(&c, 1, 3) // the same figure on one CPU saturates it
	if c.Status != StatusNoisy {
		t.Errorf("one CPU: status %s", c.Status)
	}
}

func TestSummarizeFailures(t *testing.T) {
	for name, tc := range map[string]struct {
		tweak func(n int, tr *Trial)
		want  string
	}{
		"lost":     {func(n int, tr *Trial) { tr.Result.Lost = 2 }, "2 lost"},
		"corrupt":  {func(n int, tr *Trial) { tr.Result.Corrupt = 1 }, "1 corrupt"},
		"reorder":  {func(n int, tr *Trial) { tr.Result.Reordered = 4 }, "4 reordered"},
		"loadgen":  {func(n int, tr *Trial) { tr.Result.Failed, tr.Result.Failure = true, "dial refused" }, "dial refused"},
		"harness":  {func(n int, tr *Trial) { tr.Error, tr.Result = "server exited", nil }, "server exited"},
		"silence":  {func(n int, tr *Trial) { tr.Result.Received = 0 }, "no message received"},
		"no trial": {nil, "0 of 3 trials run"},
	} {
		c := echoCell(3, nil)
		if tc.tweak == nil {
			c.Trials = nil
		} else {
			tc.tweak(2, &c.Trials[1])
		}
		Summarize(&c, 1, 3)
		if c.Status != StatusFailed || !strings.Contains(c.Reason, tc.want) {
			t.Errorf("%s: status %s reason %q", name, c.Status, c.Reason)
		}
		if name == "lost" && c.Median[MsgsPerSec] == 0 {
			t.Errorf("lost: medians of the good trials should be kept for diagnosis")
		}
	}
}

func TestCompareDrift(t *testing.T) {
	a := echoCell(3, func(n int, r *result.Result) { r.MsgsPerSec = 100 })
	b := echoCell(3, func(n int, r *result.Result) { r.MsgsPerSec = 90 })
	Summarize(&a, 1, 3)
	Summarize(&b, 1, 3)
	d := CompareDrift(&a, &b)
	if !d.Comparable || math.Abs(d.DiffPct+10) > 1e-9 || d.Metric != MsgsPerSec {
		t.Errorf("drift %+v", d)
	}
	b.Trials = nil
	Summarize(&b, 1, 3)
	if d := CompareDrift(&a, &b); d.Comparable {
		t.Errorf("failed repeat is comparable: %+v", d)
	}
}

func TestSaveLoad(t *testing.T) {
	dir := t.TempDir()
	c := echoCell(1, nil)
	Summarize(&c, 1, 1)
	c.Trials[0].Round = 1
	in := &Run{Name: "x", Cells: []Cell{c}, Drift: &Drift{CellID: c.ID}, Seed: 1 << 63,
		Rounds: []Round{{Index: 1, Order: []string{"gorilla"}}}, NoiseFloor: map[string]float64{"echo-closed/msgs_per_sec": 0.07}}
	if err := Save(dir, in); err != nil {
		t.Fatal(err)
	}
	out, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if out.Name != "x" || len(out.Cells) != 1 || out.Cells[0].Trials[0].Result.MsgsPerSec != c.Trials[0].Result.MsgsPerSec {
		t.Errorf("round trip lost data: %+v", out)
	}
	if out.Seed != in.Seed || len(out.Rounds) != 1 || out.Rounds[0].Order[0] != "gorilla" || out.Cells[0].Trials[0].Round != 1 ||
		out.NoiseFloor["echo-closed/msgs_per_sec"] != in.NoiseFloor["echo-closed/msgs_per_sec"] {
		t.Errorf("round trip lost the rounds: seed %d rounds %+v floor %v", out.Seed, out.Rounds, out.NoiseFloor)
	}
	if _, err := Load(dir + "/nope"); err == nil {
		t.Error("loaded a missing file")
	}
}

func TestHTTPMetricsAndVariants(t *testing.T) {
	c := CellFrom(config.Cell{Lib: "rest", Proto: "http", Variant: config.VariantPoll, Extra: true, Scenario: config.Broadcast,
		PayloadBytes: 1024, Conns: 100, Rate: 20, Publishers: 1, PollInterval: 50 * time.Millisecond, Duration: time.Second})
	for n := 1; n <= 3; n++ {
		r := fixture.Result(fixture.Params{Lib: "rest", Scenario: "broadcast", Mode: "open", Proto: "http", Conns: 100, Size: 1024,
			Rate: 20, Duration: time.Second, Trial: n, Variant: "poll", PollInterval: 50 * time.Millisecond})
		r.Received, r.Requests, r.EmptyPolls = 2000, 4000, 1000
		r.Proto = "http"
		r.BytesPerMsg = result.Bytes{TX: 100, RX: 1100}
		c.Trials = append(c.Trials, Trial{N: n, Result: &r})
	}
	Summarize(&c, 1, 3)
	if c.Status != StatusOK {
		t.Fatalf("status %s: %s", c.Status, c.Reason)
	}
	if c.Median[RequestsPerMsg] != 2 || c.Median[EmptyPollShare] != 0.25 || c.Median[BytesPerMsg] != 1200 {
		t.Errorf("requests/msg %v, empty polls %v, bytes/msg %v", c.Median[RequestsPerMsg], c.Median[EmptyPollShare], c.Median[BytesPerMsg])
	}
	if c.ID != "rest+poll-50ms/broadcast/1024B/100c" || c.Row() != "rest+poll-50ms" || c.VariantOrDefault() != config.VariantPoll {
		t.Errorf("id %s row %s variant %s", c.ID, c.Row(), c.VariantOrDefault())
	}
	// A WebSocket cell makes no HTTP request: no request figures.
	ws := echoCell(1, nil)
	Summarize(&ws, 1, 1)
	if _, ok := ws.Median[RequestsPerMsg]; ok {
		t.Error("a WebSocket cell has requests per message")
	}
	// Cells recorded before variants existed take their protocol's default.
	old := Cell{Cell: config.Cell{Lib: "rest", Proto: "http", Scenario: config.Broadcast}}
	if old.VariantOrDefault() != config.VariantPoll || old.Row() != "rest" {
		t.Errorf("old cell: %s %s", old.VariantOrDefault(), old.Row())
	}
}

// An open-loop point whose load generator did not keep its schedule is
// client-limited (never failed); a closed-loop cell is not (client-bound
// covers it); a broadcast cell keeps its status with a note.
func TestSummarizeClientLimited(t *testing.T) {
	for _, tc := range []struct {
		name   string
		sc     config.Scenario
		util   float64
		sent   float64
		lag    float64
		status string
		note   string
	}{
		{"busy client", config.EchoOpen, 0.95, 1000, 10, StatusClientLimited, "load generator CPU 0.95"},
		{"on schedule", config.EchoOpen, 0.50, 1000, 10, StatusOK, ""},
		{"rate short", config.EchoOpen, 0.50, 980, 10, StatusClientLimited, "sent 980 of 1000"},
		{"late sends", config.EchoOpen, 0.50, 1000, 300, StatusClientLimited, "send lag p99 300"},
		{"closed loop", config.EchoClosed, 0.95, 1000, 0, "", ""},
		{"broadcast", config.Broadcast, 0.95, 1000, 0, "", "the load generator used 0.95"},
	} {
		c := echoCell(3, func(n int, r *result.Result) {
			r.Client.CPUUtil, r.ClientGOMAXPROCS = tc.util, 1
			r.LatencyUS.P99 = 1000
			if tc.sc != config.EchoClosed {
				r.Mode, r.RateTarget, r.RateAchieved = "open", 1000, tc.sent
				r.SendLagUS = &result.Latency{P99: tc.lag, Count: 10}
			}
		})
		c.Scenario = tc.sc
		if tc.sc == config.EchoOpen {
			c.Rate = 1000
		}
		Summarize(&c, 1, 3)
		if tc.status != "" && c.Status != tc.status {
			t.Errorf("%s: status %s, want %s (%s)", tc.name, c.Status, tc.status, c.Reason)
		}
		if c.Status == StatusFailed || c.Status == StatusClientBound && tc.sc != config.EchoClosed {
			t.Errorf("%s: status %s (%s)", tc.name, c.Status, c.Reason)
		}
		if tc.note != "" && !strings.Contains(c.Reason, tc.note) || tc.note == "" && strings.Contains(c.Reason, "client-limited") {
			t.Errorf("%s: reason %q, want %q", tc.name, c.Reason, tc.note)
		}
	}
}

// TestSummarizeTrialVerdicts: trials that carry the load generator's
// verdict are not judged again; the cell takes a flag when at least half of
// its counted trials carry it.
func TestSummarizeTrialVerdicts(t *testing.T) {
	open := func(verdicts ...result.Verdict) Cell {
		c := echoCell(len(verdicts), func(n int, r *result.Result) {
			r.Mode, r.RateTarget, r.RateAchieved = "open", 1000, 1000
			// The legacy rule would call this client-limited (lag over 20%
			// of the latency p99, a busy client); the verdict does not.
			r.Client.CPUUtil, r.ClientGOMAXPROCS = 1, 1
			r.LatencyUS.P99, r.SendLagUS = 400, &result.Latency{P99: 150, Count: 10}
			v := verdicts[n-1]
			r.Verdict = &v
		})
		c.Scenario, c.Rate = config.EchoOpen, 1000
		return c
	}
	ok := result.Verdict{Status: result.VerdictOK}
	late := result.Verdict{Status: result.VerdictClientLimited, Reason: "send lag p99 900 µs is over 200 µs"}
	for _, tc := range []struct {
		name   string
		c      Cell
		status string
		reason string
	}{
		{"all ok", open(ok, ok, ok), StatusOK, ""},
		{"one of three late", open(ok, late, ok), StatusOK, ""},
		{"two of three late", open(late, ok, late), StatusClientLimited, "client-limited in 2 of 3 trials: trial 1: send lag p99 900"},
		{"half of two", open(ok, late), StatusClientLimited, "trial 2: send lag"},
		{"failed", open(ok, result.Verdict{Status: result.VerdictFailed, Reason: "3 messages lost"}, ok), StatusFailed, "trial 2: load generator: 3 messages lost"},
	} {
		Summarize(&tc.c, 1, len(tc.c.Trials))
		if tc.c.Status != tc.status || !strings.Contains(tc.c.Reason, tc.reason) || (tc.reason == "") != (tc.c.Reason == "") {
			t.Errorf("%s: %s %q, want %s %q", tc.name, tc.c.Status, tc.c.Reason, tc.status, tc.reason)
		}
	}

	// Closed loop: the verdict, computed against the server's quota, wins
	// over the CPU count bench passes.
	bound := result.Verdict{Status: result.VerdictClientBound, Reason: "server used 0.30 of 0.50 CPU(s)"}
	c := echoCell(3, func(n int, r *result.Result) {
		r.Server.CPUUtil = 0.3
		v := []result.Verdict{bound, bound, ok}[n-1]
		r.Verdict = &v
	})
	Summarize(&c, 1, 3)
	if c.Status != StatusClientBound || !strings.Contains(c.Reason, "0.30 of 0.50") {
		t.Errorf("closed loop: %s %q", c.Status, c.Reason)
	}
}
