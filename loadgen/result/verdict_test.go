package result

import (
	"strings"
	"testing"
	"time"
)

func TestLagBound(t *testing.T) {
	for _, tc := range []struct {
		rate float64
		want time.Duration
	}{
		{0, LagFloor},
		{100_000, LagFloor},                               // 10 µs apart: the floor
		{2000, time.Second / 2000},                        // one inter-arrival time, above the floor
		{float64(time.Second / LagFloor), LagFloor},       // where they meet
		{float64(time.Second/LagFloor) / 2, 2 * LagFloor}, // half the rate, twice the bound
	} {
		if got := LagBound(tc.rate); got != tc.want {
			t.Errorf("LagBound(%v) = %v, want %v", tc.rate, got, tc.want)
		}
	}
}

func TestJudge(t *testing.T) {
	floorUS := float64(LagFloor / time.Microsecond)
	open := func(sent, lagP99, latP99 float64) *Result {
		return &Result{Scenario: "echo", Mode: "open", RateTarget: 10_000, RateAchieved: sent, Received: 1,
			SendLagUS: &Latency{P99: lagP99}, LatencyUS: Latency{P99: latP99}, Client: Proc{CPUUtil: 1}}
	}
	closed := func(util float64) *Result {
		return &Result{Scenario: "echo", Mode: "closed", Received: 1, Server: &Proc{CPUUtil: util}}
	}
	for _, tc := range []struct {
		name string
		r    *Result
		cpus float64
		want string
		why  string
	}{
		{"failed", &Result{Scenario: "echo", Failed: true, Failure: "dial refused", Received: 1}, 1, VerdictFailed, "dial refused"},
		{"silent", &Result{Scenario: "echo", Mode: "closed", Server: &Proc{CPUUtil: 1}}, 1, VerdictFailed, "no message received"},
		{"connect needs no messages", &Result{Scenario: "connect"}, 1, VerdictOK, ""},
		{"saturated", closed(0.95), 1, VerdictOK, ""},
		{"server idle", closed(0.5), 1, VerdictClientBound, "server used 0.50 of 1 CPU"},
		{"saturated quota", closed(0.46), 0.5, VerdictOK, ""},
		{"below quota", closed(0.40), 0.5, VerdictClientBound, "of 0.50 CPU"},
		{"server unmeasured", &Result{Scenario: "echo", Mode: "closed", Received: 1}, 1, VerdictClientBound, "not measured"},
		{"on schedule, busy client", open(10_000, floorUS/2, 500), 1, VerdictOK, ""},
		// A slow server gives no slack: the bound is the schedule's.
		{"late sends, slow server", open(10_000, 2*floorUS, 100_000), 1, VerdictClientLimited, "send lag p99"},
		// A fast server is not held to its own latency either.
		{"small lag, fast server", open(10_000, floorUS*0.9, floorUS), 1, VerdictOK, ""},
		{"rate short", open(9_800, 10, 500), 1, VerdictClientLimited, "sent 9800 of 10000"},
		{"lag unmeasured", &Result{Scenario: "echo", Mode: "open", RateTarget: 100, RateAchieved: 100, Received: 1}, 1, VerdictClientLimited, "not measured"},
		{"broadcast", &Result{Scenario: "broadcast", Mode: "open", Received: 1}, 1, VerdictOK, ""},
	} {
		v := Judge(tc.r, tc.cpus)
		if v.Status != tc.want || !strings.Contains(v.Reason, tc.why) || (tc.why == "") != (v.Reason == "") {
			t.Errorf("%s: %+v, want %s (%q)", tc.name, v, tc.want, tc.why)
		}
	}
}
