package result

import (
	"fmt"
	"math"
	"time"
)

// A trial's verdict: whether its figures count, computed once, by the load
// generator, with the thresholds below; bench/results reads it and never
// judges a trial again.
const (
	VerdictOK            = "ok"
	VerdictFailed        = "failed"         // an error, a lost, duplicated, reordered or corrupt message, or nothing received
	VerdictClientBound   = "client-bound"   // closed loop: the server had CPU to spare, so the client set the pace
	VerdictClientLimited = "client-limited" // open loop: the load generator did not keep its schedule
)

// Thresholds of the verdict (README, "Methodology").
const (
	// SaturationFraction is the share of the CPUs it may use (a CPU quota
	// included) that a server must use for a closed-loop throughput to
	// count: below it, the server waited for the client.
	SaturationFraction = 0.90
	// RateTolerance is how far below the offered rate an open loop may
	// send before its point is client-limited. The achieved rate counts
	// messages whose intended send time falls in the measured interval
	// and that left, so a sender that keeps its schedule loses none: 1%
	// leaves room for the messages still due when the interval closes.
	RateTolerance = 0.01
	// LagFloor is the smallest send lag p99 bound of an open loop. A
	// sender that spins before each due time is late by the sends and
	// reads it is busy with when a message falls due: on one CPU of a
	// 2-core VM with 1,000 connections, tens of µs at p99 up to 10,000
	// msgs/s and a few hundred at 20,000-40,000/s
	// (results/loadgen/2026-12-02-spin, results/loadgen/2026-12-02-quota);
	// above about 25,000/s it is often over 500 µs, which is why bench's
	// default server quota keeps the capacity-relative rates below that.
	// 500 µs keeps those points, adds at most half a millisecond to a
	// latency percentile, and fails a sender that sleeps until each due
	// time (2 ms late at p99 on the same VM) or one that shares its CPU.
	LagFloor = 500 * time.Microsecond
)

// Verdict is a trial's status and why.
type Verdict struct {
	Status string `json:"status"`           // ok, failed, client-bound, client-limited
	Reason string `json:"reason,omitempty"` // empty when ok
}

// LagBound is the largest send lag p99 of an open loop at rate msgs/s (in
// total) that keeps its schedule: one inter-arrival time of the whole
// schedule, at least LagFloor. A sender later than that at p99 has let
// messages bunch up, so the server saw another arrival process than the
// one offered. The bound depends on the offered schedule only, never on
// the latency measured: a slow server gets no more slack than a fast one.
func LagBound(rate float64) time.Duration {
	if rate <= 0 {
		return LagFloor
	}
	return max(LagFloor, time.Duration(float64(time.Second)/rate))
}

// Judge computes r's verdict. serverCPUs is the CPUs the server may use (a
// quota included), 0 when unknown. Failure comes first; then a closed-loop
// echo whose server used less than SaturationFraction of serverCPUs is
// client-bound, and an open-loop echo that sent more than RateTolerance
// short of its offered rate, or whose send lag p99 is above LagBound, is
// client-limited. The load generator's CPU is not a test: it spins before
// each due time, so it is busy whether or not it keeps up.
func Judge(r *Result, serverCPUs float64) Verdict {
	if r.Failed {
		why := r.Failure
		if why == "" {
			why = "the load generator reported a failed run"
		}
		return Verdict{VerdictFailed, why}
	}
	if r.Scenario != "connect" && r.Received == 0 {
		return Verdict{VerdictFailed, "no message received"}
	}
	if r.Scenario != "echo" {
		return Verdict{Status: VerdictOK}
	}
	switch r.Mode {
	case "closed":
		if r.Server == nil {
			return Verdict{VerdictClientBound, "server CPU not measured, saturation unknown"}
		}
		if serverCPUs <= 0 {
			return Verdict{VerdictClientBound, "server CPUs unknown, saturation unknown"}
		}
		if u := r.Server.CPUUtil; u < SaturationFraction*serverCPUs {
			return Verdict{VerdictClientBound, fmt.Sprintf("server used %.2f of %s CPU(s) (< %.0f%%), client %.2f",
				u, fmtCPUs(serverCPUs), SaturationFraction*100, r.Client.CPUUtil)}
		}
	case "open":
		var why []string
		if r.RateAchieved < (1-RateTolerance)*r.RateTarget {
			why = append(why, fmt.Sprintf("sent %.0f of %.0f msgs/s offered", r.RateAchieved, r.RateTarget))
		}
		bound := LagBound(r.RateTarget)
		if r.SendLagUS == nil {
			why = append(why, "send lag not measured")
		} else if lag := r.SendLagUS.P99; lag > float64(bound)/1e3 {
			why = append(why, fmt.Sprintf("send lag p99 %.0f µs is over %.0f µs (max of %v and one inter-arrival time)",
				lag, float64(bound)/1e3, LagFloor))
		}
		if len(why) > 0 {
			reason := why[0]
			for _, w := range why[1:] {
				reason += ", " + w
			}
			return Verdict{VerdictClientLimited, reason}
		}
	}
	return Verdict{Status: VerdictOK}
}

func fmtCPUs(n float64) string {
	if n == math.Trunc(n) {
		return fmt.Sprintf("%.0f", n)
	}
	return fmt.Sprintf("%.2f", n)
}
