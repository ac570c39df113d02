// Package agents combines the results of several load generator agents
// that ran one scenario at the same time (each with -hist): counts add
// up, and latency percentiles are read from the agents' histograms merged
// exactly (package histmerge), never averaged.
package agents

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/wsbench/wsbench/loadgen/histmerge"
	"github.com/wsbench/wsbench/loadgen/histo"
	"github.com/wsbench/wsbench/loadgen/result"
)

// Merge combines agents' results of one scenario, measured at the same
// time. Every result must carry its latency histogram (loadgen -hist), and
// its fan-out histogram when it has fan-out figures. Figures that cannot
// be combined exactly are left out: the client and server process figures,
// the per-connection distribution, the send lag and the verdict. Rates
// add up; the measured interval is the longest agent's. The merged
// fan-out (FanoutLastUS) is the distribution of each agent's time to the
// last of its own subscribers: agents do not see each other's.
func Merge(rs []*result.Result) (*result.Result, error) {
	if len(rs) == 0 {
		return nil, errors.New("agents: no result")
	}
	first := rs[0]
	out := &result.Result{
		Scenario: first.Scenario, Mode: first.Mode, Proto: first.Proto, Variant: first.Variant,
		URL: first.URL, PayloadBytes: first.PayloadBytes, Window: first.Window,
		WarmupS: first.WarmupS, StartedAt: first.StartedAt, Errors: map[string]int64{},
	}
	var lat, fan []string
	var failures []string
	for i, r := range rs {
		if r.Scenario != first.Scenario || r.Mode != first.Mode || r.Proto != first.Proto ||
			r.Variant != first.Variant || r.PayloadBytes != first.PayloadBytes || r.Window != first.Window {
			return nil, fmt.Errorf("agents: result %d is %s/%s/%s/%d bytes, the first %s/%s/%s/%d bytes: not one scenario",
				i, r.Scenario, r.Mode, r.Variant, r.PayloadBytes, first.Scenario, first.Mode, first.Variant, first.PayloadBytes)
		}
		if r.LatencyUS.Count > 0 && r.LatencyHist == "" {
			return nil, fmt.Errorf("agents: result %d has no latency histogram (run the agents with -hist)", i)
		}
		if r.FanoutLastUS != nil && r.FanoutLastUS.Count > 0 && r.FanoutLastHist == "" {
			return nil, fmt.Errorf("agents: result %d has no fan-out histogram (run the agents with -hist)", i)
		}
		if r.LatencyHist != "" {
			lat = append(lat, r.LatencyHist)
		}
		if r.FanoutLastHist != "" {
			fan = append(fan, r.FanoutLastHist)
		}
		out.Conns += r.Conns
		out.Publishers += r.Publishers
		out.Connected += r.Connected
		out.RateTarget += r.RateTarget
		out.RateAchieved += r.RateAchieved
		out.Sent += r.Sent
		out.Received += r.Received
		out.Expected += r.Expected
		out.Lost += r.Lost
		out.Duplicated += r.Duplicated
		out.Reordered += r.Reordered
		out.Corrupt += r.Corrupt
		out.Requests += r.Requests
		out.EmptyPolls += r.EmptyPolls
		out.Reconnects += r.Reconnects
		out.Refused += r.Refused
		out.MsgsPerSec += r.MsgsPerSec
		out.MBPerSec += r.MBPerSec
		out.DeliveredMsgsPerSec += r.DeliveredMsgsPerSec
		out.HandshakesPerSec += r.HandshakesPerSec
		out.DurationS = math.Max(out.DurationS, r.DurationS)
		for k, v := range r.Errors {
			out.Errors[k] += v
		}
		if r.Failed {
			failures = append(failures, fmt.Sprintf("agent %d: %s", i, r.Failure))
		}
	}
	if len(failures) > 0 {
		out.Failed, out.Failure = true, strings.Join(failures, "; ")
	}
	if len(lat) > 0 {
		h, err := histmerge.Merge(lat)
		if err != nil {
			return nil, fmt.Errorf("agents: latency: %w", err)
		}
		out.LatencyUS, out.LatencyCurve = histo.Summary(h), histo.Curve(h)
		if out.LatencyHist, err = histmerge.Encode(h); err != nil {
			return nil, err
		}
	}
	if len(fan) > 0 {
		h, err := histmerge.Merge(fan)
		if err != nil {
			return nil, fmt.Errorf("agents: fan-out: %w", err)
		}
		l := histo.Summary(h)
		out.FanoutLastUS = &l
		if out.FanoutLastHist, err = histmerge.Encode(h); err != nil {
			return nil, err
		}
	}
	return out, nil
}
