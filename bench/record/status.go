package record

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/loadgen/result"
)

// Thresholds of the status rules (README, "Methodology"). A trial's
// verdict (ok, failed, client-bound, client-limited) is the load
// generator's, with the thresholds of loadgen/result (result.Judge); only
// results written before trials carried a verdict are judged here, by the
// rule of their time (legacyVerdicts).
const (
	// SaturationFraction is result.SaturationFraction, for the legacy
	// rule: the share of its CPUs a server must use for a closed-loop
	// throughput figure to count, and the share of its CPUs the load
	// generator had to stay below for an open-loop point to count.
	SaturationFraction = result.SaturationFraction
	// RateTolerance is result.RateTolerance, for the legacy rule.
	RateTolerance = result.RateTolerance
	// LagShare is the legacy rule's largest send lag p99, as a share of
	// the latency p99, of an open-loop point that is not client-limited.
	// It let slow servers through; the verdict now bounds the lag by the
	// offered schedule (result.LagBound).
	LagShare = 0.20
	// NoisySpread is the largest (max-min)/median of a key metric that is
	// not flagged, in runs without rounds (see SummarizeAgainst).
	NoisySpread = 0.10
)

// KeyMetrics are the metrics whose spread decides whether a cell is noisy:
// the headline numbers of its scenario in the report.
func KeyMetrics(s config.Scenario) []string {
	switch s {
	case config.EchoClosed:
		return []string{MsgsPerSec}
	case config.EchoOpen:
		return []string{LatP50, LatP99}
	case config.Broadcast:
		return []string{LatP50, LastP50}
	case config.Connect:
		return []string{HandshakesPerSec, ServerRSSPerConn}
	}
	return nil
}

// Primary is the metric that picks a cell's representative trial and that
// the drift check compares.
func Primary(s config.Scenario) string {
	switch s {
	case config.EchoClosed:
		return MsgsPerSec
	case config.EchoOpen, config.Broadcast:
		return LatP50
	case config.Connect:
		return ServerRSSPerConn
	}
	return MsgsPerSec
}

// TrialProblem says why a trial does not count, or "" if it does: a harness
// error, a load generator failure, or any lost, duplicated, reordered or
// corrupt message.
func TrialProblem(sc config.Scenario, t Trial) string {
	if t.Error != "" {
		return t.Error
	}
	r := t.Result
	if r == nil {
		return "no result from the load generator"
	}
	if v := r.Verdict; v != nil && v.Status == result.VerdictFailed {
		return "load generator: " + v.Reason
	}
	if r.Failed {
		if r.Failure != "" {
			return "load generator: " + r.Failure
		}
		return "load generator reported a failed run"
	}
	var bad []string
	for _, c := range []struct {
		n    int64
		what string
	}{{r.Lost, "lost"}, {r.Duplicated, "duplicated"}, {r.Reordered, "reordered"}, {r.Corrupt, "corrupt"}} {
		if c.n > 0 {
			bad = append(bad, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	if len(bad) > 0 {
		return "messages " + strings.Join(bad, ", ")
	}
	if sc != config.Connect && r.Received == 0 {
		return "no message received"
	}
	if sc == config.Connect && r.HandshakesPerSec <= 0 {
		return "no handshake completed"
	}
	return ""
}

// Summarize fills c's Median, Min, Max, Spread, MedianTrial, Status, Flags
// and Reason from its trials. serverCPUs is the number of CPUs the server
// was given; planned is the number of trials the cell should have had. It
// judges noise by the fixed NoisySpread rule, the only one a cell alone
// allows; SummarizeAgainst judges it against the run's noise floor.
func Summarize(c *Cell, serverCPUs, planned int) {
	SummarizeAgainst(c, serverCPUs, planned, nil)
}

// SummarizeAgainst is Summarize with the noisy flag calibrated against
// the run's noise floor (Run.NoiseFloor, set with c.RoundSpread by
// Calibrate): a key metric marks the cell noisy when its noise (NoiseOf:
// the smaller of its raw and round-adjusted spreads) stands out from its
// scenario's floor (StandsOut); without a round-adjusted spread (too few
// entries of its column counted in its rounds) its raw spread is judged
// against the floor. A key metric without a floor (a run without rounds,
// too few cells) falls back to the fixed rule: raw spread above
// NoisySpread.
func SummarizeAgainst(c *Cell, serverCPUs, planned int, floor map[string]float64) {
	c.Median, c.Min, c.Max, c.Spread = nil, nil, nil, nil
	c.MedianTrial = -1
	c.Flags = nil
	var reasons []string

	var good []int // indexes of trials that count
	for i, t := range c.Trials {
		if p := TrialProblem(c.Scenario, t); p != "" {
			reasons = append(reasons, fmt.Sprintf("trial %d: %s", t.N, p))
			continue
		}
		good = append(good, i)
	}
	failed := len(reasons) > 0
	for _, i := range good {
		r := c.Trials[i].Result
		// In a broadcast cell a busy load generator adds its own queueing:
		// say so (closed loops have the client-bound status, open loops
		// client-limited).
		if c.Scenario != config.Broadcast {
			continue
		}
		if cpus := float64(max(r.ClientGOMAXPROCS, 1)); r.Client.CPUUtil >= SaturationFraction*cpus {
			reasons = append(reasons, fmt.Sprintf("trial %d: the load generator used %.2f of its %.0f CPU(s); its own queueing may be in the latency",
				c.Trials[i].N, r.Client.CPUUtil, cpus))
		}
		if r.RateShort {
			reasons = append(reasons, fmt.Sprintf("trial %d sent %.0f of %.0f msgs/s offered (the load generator fell behind; latency still counts from the intended send times)",
				c.Trials[i].N, r.RateAchieved, r.RateTarget))
		}
	}
	if len(c.Trials) < planned {
		if len(c.Trials) == 0 || failed {
			failed = true
		}
		reasons = append(reasons, fmt.Sprintf("%d of %d trials run", len(c.Trials), planned))
	}
	if len(good) == 0 {
		failed = true
		if len(c.Trials) == 0 && len(reasons) == 0 {
			reasons = append(reasons, "no trial ran")
		}
	}

	if len(good) > 0 {
		c.Median, c.Min, c.Max = map[string]float64{}, map[string]float64{}, map[string]float64{}
		for _, m := range Metrics {
			var vals []float64
			for _, i := range good {
				if v, ok := m.Get(c.Trials[i].Result); ok && !math.IsNaN(v) && !math.IsInf(v, 0) {
					vals = append(vals, v)
				}
			}
			if len(vals) == 0 {
				continue
			}
			c.Median[m.Key] = Median(vals)
			c.Min[m.Key] = slices.Min(vals)
			c.Max[m.Key] = slices.Max(vals)
		}
		c.MedianTrial = medianTrial(c, good)
	}

	var flags []string
	if failed {
		flags = append(flags, StatusFailed)
	}
	if !failed && (c.Scenario == config.EchoClosed || c.Scenario == config.EchoOpen) {
		flag, why := legacyVerdict(c, serverCPUs)
		if judged(c, good) {
			flag, why = trialVerdicts(c, good)
		}
		if flag != "" {
			flags = append(flags, flag)
			reasons = append(reasons, why)
		}
	}
	if len(good) >= 2 {
		c.Spread = map[string]float64{}
		var noisy []string
		for _, k := range KeyMetrics(c.Scenario) {
			med, ok := c.Median[k]
			if !ok || med == 0 {
				continue
			}
			s := (c.Max[k] - c.Min[k]) / math.Abs(med)
			c.Spread[k] = s
			f, calibrated := floor[FloorKey(c, k)]
			rs, adjusted := c.RoundSpread[k]
			switch {
			case calibrated && adjusted:
				if StandsOut(NoiseOf(s, rs), f) {
					noisy = append(noisy, fmt.Sprintf("%s spread %.0f%% (%.0f%% within rounds), over %g× the run's noise floor of %.0f%%",
						k, s*100, rs*100, NoiseFactor, f*100))
				}
			case calibrated:
				if StandsOut(s, f) {
					noisy = append(noisy, fmt.Sprintf("%s spread %.0f%%, over %g× the run's noise floor of %.0f%%", k, s*100, NoiseFactor, f*100))
				}
			case s > NoisySpread:
				noisy = append(noisy, fmt.Sprintf("%s spread %.0f%%", k, s*100))
			}
		}
		// Against a floor, only cells whose figures count are judged, as
		// only they make the floor: a client-bound or client-limited
		// point already says its figure is not the server's.
		judged := !failed
		if len(floor) > 0 {
			judged = countingFlags(flags)
		}
		if len(noisy) > 0 && judged {
			flags = append(flags, StatusNoisy)
			reasons = append(reasons, strings.Join(noisy, ", "))
		}
	}
	if len(flags) == 0 {
		flags = []string{StatusOK}
	}
	c.Status = flags[0]
	if len(flags) > 1 || flags[0] != StatusOK {
		c.Flags = flags
	}
	c.Reason = strings.Join(reasons, "; ")
}

// judged reports whether every counted trial carries the load generator's
// verdict.
func judged(c *Cell, good []int) bool {
	for _, i := range good {
		if c.Trials[i].Result.Verdict == nil {
			return false
		}
	}
	return len(good) > 0
}

// trialVerdicts turns the verdicts of the counted trials into the cell's
// flag: client-bound or client-limited when at least half of them say so
// (the cell's median would otherwise come from such trials), with every
// such trial's reason; "" when most trials are ok.
func trialVerdicts(c *Cell, good []int) (flag, why string) {
	n := map[string]int{}
	var reasons []string
	for _, i := range good {
		v := c.Trials[i].Result.Verdict
		if v.Status == StatusClientBound || v.Status == StatusClientLimited {
			n[v.Status]++
			reasons = append(reasons, fmt.Sprintf("trial %d: %s", c.Trials[i].N, v.Reason))
		}
	}
	for _, s := range []string{StatusClientBound, StatusClientLimited} {
		if n[s] > 0 && 2*n[s] >= len(good) {
			return s, fmt.Sprintf("%s in %d of %d trials: %s", s, n[s], len(good), strings.Join(reasons, "; "))
		}
	}
	return "", ""
}

// legacyVerdict is the rule applied to results written before trials
// carried a verdict, so that committed runs render as they did: closed
// loop, client-bound when the median server CPU is below
// SaturationFraction of serverCPUs; open loop, clientLimited.
func legacyVerdict(c *Cell, serverCPUs int) (flag, why string) {
	if c.Scenario == config.EchoOpen {
		if why := clientLimited(c); why != "" {
			return StatusClientLimited, why
		}
		return "", ""
	}
	if u, ok := c.Median[ServerCPUUtil]; !ok {
		return StatusClientBound, "server CPU not measured, saturation unknown"
	} else if limit := SaturationFraction * float64(serverCPUs); u < limit {
		return StatusClientBound, fmt.Sprintf("server used %.2f of %d CPU(s) (< %.0f%%), client %.2f",
			u, serverCPUs, SaturationFraction*100, c.Median[ClientCPUUtil])
	}
	return "", ""
}

// clientLimited is the legacy open-loop rule: why an open-loop cell's load
// generator did not keep its schedule (from the medians of its trials), or "": its CPU at or above
// SaturationFraction of its CPUs, the rate sent more than RateTolerance
// short of the offered rate, or its send lag p99 above LagShare of the
// latency p99. Such a point is drawn hollow and never ranked.
func clientLimited(c *Cell) string {
	var why []string
	if t := c.MedianTrial; t >= 0 && t < len(c.Trials) && c.Trials[t].Result != nil {
		cpus := float64(max(c.Trials[t].Result.ClientGOMAXPROCS, 1))
		if u := c.Median[ClientCPUUtil]; u >= SaturationFraction*cpus {
			why = append(why, fmt.Sprintf("load generator CPU %.2f of %.0f", u, cpus))
		}
	}
	if c.Rate > 0 {
		if sent := c.Median[RateAchieved]; sent < (1-RateTolerance)*c.Rate {
			why = append(why, fmt.Sprintf("sent %.0f of %.0f msgs/s offered", sent, c.Rate))
		}
	}
	if lag, ok := c.Median[SendLagP99]; ok && lag > LagShare*c.Median[LatP99] {
		why = append(why, fmt.Sprintf("send lag p99 %.0f µs is over %.0f%% of the latency p99 %.0f µs", lag, LagShare*100, c.Median[LatP99]))
	}
	if len(why) == 0 {
		return ""
	}
	return "client-limited: " + strings.Join(why, ", ")
}

// medianTrial picks, among the good trials, the one whose primary metric is
// closest to the median.
func medianTrial(c *Cell, good []int) int {
	key := Primary(c.Scenario)
	m, _ := MetricByKey(key)
	med, ok := c.Median[key]
	if !ok {
		return good[0]
	}
	best, bestDist := good[0], math.Inf(1)
	for _, i := range good {
		v, ok := m.Get(c.Trials[i].Result)
		if !ok {
			continue
		}
		if d := math.Abs(v - med); d < bestDist {
			best, bestDist = i, d
		}
	}
	return best
}

// Median of vals (the mean of the two middle values for an even count).
func Median(vals []float64) float64 {
	if len(vals) == 0 {
		return math.NaN()
	}
	s := slices.Clone(vals)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// CompareDrift builds the drift record from the first measurement of a cell
// and its repetition at the end of the run.
func CompareDrift(first, again *Cell) *Drift {
	key := Primary(first.Scenario)
	d := &Drift{CellID: first.ID, Metric: key, Status: again.Status, Again: again}
	b, ok1 := first.Median[key]
	a, ok2 := again.Median[key]
	d.Before, d.After = b, a
	if ok1 && ok2 && b != 0 {
		d.Comparable = true
		d.DiffPct = (a - b) / b * 100
	}
	return d
}
