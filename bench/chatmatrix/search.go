package chatmatrix

import (
	"fmt"
	"math"
	"time"

	"github.com/wsbench/wsbench/loadgen/result"
)

// Point is one run of a capacity search.
type Point struct {
	// Rate is the offered rate per publisher (publishes per second);
	// Offered the deliveries per second it offers.
	Rate    float64 `json:"rate"`
	Offered float64 `json:"offered_deliveries_per_sec"`
	// Delivered is the verified deliveries per second.
	Delivered float64 `json:"delivered_per_sec"`
	// DeliveryP99US and DeliveryCount are the delivery latency p99 and how
	// many deliveries it is over.
	DeliveryP99US float64 `json:"delivery_p99_us"`
	DeliveryP50US float64 `json:"delivery_p50_us,omitempty"`
	DeliveryCount int64   `json:"delivery_count"`
	Lost          int64   `json:"lost"`
	Duplicated    int64   `json:"duplicated"`
	Reordered     int64   `json:"reordered"`
	// ServerCPUUSPerMsg is the server's CPU per delivered message.
	ServerCPUUSPerMsg float64 `json:"server_cpu_us_per_msg,omitempty"`
	ServerCPUUtil     float64 `json:"server_cpu_util,omitempty"`
	// WireBytesPerMsg is the bytes on the wire per delivered message, both
	// ways (the load generator's bytes_per_msg tx + rx: frames, or HTTP
	// requests and responses with their headers).
	WireBytesPerMsg float64 `json:"wire_bytes_per_msg,omitempty"`
	// SendLagP99US is how late the publishers sent, at p99.
	SendLagP99US float64 `json:"send_lag_p99_us"`
	// ForeignCPUUtil is the CPU other processes used on the server's and
	// the load generator's CPUs over the measured interval, in CPUs.
	ForeignCPUUtil float64 `json:"foreign_cpu_util,omitempty"`
	// Behind is set when the load generator missed its schedule: the
	// point says nothing about the server and is not ranked.
	Behind bool `json:"behind,omitempty"`
	// Good is the point within the bound: no loss, duplicate or
	// reordering, p99 at or under the bound, the schedule kept.
	Good bool `json:"good"`
	// Why says why the point is not good.
	Why string `json:"why,omitempty"`
	// Log is the base name of the run's files under logs/.
	Log   string  `json:"log"`
	WallS float64 `json:"wall_s"`
}

// Behind says how the load generator missed its schedule (Search.Lag), or
// "" when it kept it.
func Behind(res *result.Result, lag time.Duration) string {
	switch {
	case res.RateShort:
		return fmt.Sprintf("sent %.0f of %.0f msgs/s offered", res.RateAchieved, res.RateTarget)
	case res.SendLagUS == nil:
		return "send lag not measured"
	case res.SendLagUS.P99 > float64(lag.Microseconds()):
		return fmt.Sprintf("send lag p99 %.1f ms over %v", res.SendLagUS.P99/1e3, lag)
	}
	return ""
}

// Judge makes the point of one run at rate: res may be nil when the run
// failed with trialErr.
//
// Latency counts from the scheduled send time, so a load generator that
// sends late only adds to the p99 it measures: a point whose p99 meets the
// bound is good whatever the send lag (its delivered rate is what was
// delivered, the offered rate sent or not). A point over the bound is the
// server's when the server was saturated (its CPU at
// result.SaturationFraction or more of the CPUs it may use) or when the
// load generator kept its schedule (Behind); otherwise the load
// generator may have caused the miss, and the point is marked Behind and
// ends the search unranked.
func Judge(rate, offered float64, res *result.Result, trialErr string, s Search) Point {
	bound := s.P99
	p := Point{Rate: rate, Offered: offered}
	if res != nil {
		if res.SendLagUS != nil {
			p.SendLagP99US = res.SendLagUS.P99
		}
		p.Delivered = res.DeliveredMsgsPerSec
		if d := res.DeliveryUS; d != nil {
			p.DeliveryP99US, p.DeliveryP50US, p.DeliveryCount = d.P99, d.P50, d.Count
		}
		p.WireBytesPerMsg = res.BytesPerMsg.TX + res.BytesPerMsg.RX
		p.Lost, p.Duplicated, p.Reordered = res.Lost, res.Duplicated, res.Reordered
		if res.Server != nil {
			p.ServerCPUUSPerMsg, p.ServerCPUUtil = res.Server.CPUUSPerMsg, res.Server.CPUUtil
		}
		if res.Foreign != nil {
			p.ForeignCPUUtil = res.Foreign.CPUUtil
		}
	}
	switch {
	case trialErr != "":
		p.Why = trialErr
	case res == nil:
		p.Why = "no result"
	case res.Failed:
		p.Why = res.Failure
	case p.Lost+p.Duplicated+p.Reordered > 0:
		p.Why = fmt.Sprintf("lost %d, duplicated %d, reordered %d", p.Lost, p.Duplicated, p.Reordered)
	case p.DeliveryCount == 0:
		p.Why = "no delivery measured"
	case p.DeliveryP99US <= float64(bound.Microseconds()):
		p.Good = true
	default:
		p.Why = fmt.Sprintf("delivery p99 %.1f ms over %v", p.DeliveryP99US/1e3, bound)
		if why := Behind(res, s.Lag); why != "" {
			if Saturated(res) {
				p.Why += " (server saturated; load generator also behind: " + why + ")"
			} else {
				p.Behind, p.Why = true, "load generator behind: "+why+"; "+p.Why
			}
		}
	}
	return p
}

// Saturated says whether the server used result.SaturationFraction or
// more of the CPUs it may use (res.ServerCPUs) over the measured
// interval; false when either is unknown.
func Saturated(res *result.Result) bool {
	return res.Server != nil && res.ServerCPUs > 0 && res.Server.CPUUtil >= result.SaturationFraction*res.ServerCPUs
}

// Next is the rate of the search's next point after the points walked so
// far, or false when the search is over: from Start, times Factor after
// every good point until one fails; then Bisect points between the best
// good rate (0 if none) and the lowest failed one; MaxPoints in all.
func (s Search) Next(walked []Point) (float64, bool) {
	if len(walked) >= s.MaxPoints {
		return 0, false
	}
	if len(walked) == 0 {
		return s.Start, true
	}
	good, failed, firstFail := 0.0, math.Inf(1), -1
	for i, p := range walked {
		if p.Good {
			good = max(good, p.Rate)
		} else {
			failed = min(failed, p.Rate)
			if firstFail < 0 {
				firstFail = i
			}
		}
	}
	if firstFail < 0 {
		return roundRate(walked[len(walked)-1].Rate * s.Factor), true
	}
	if len(walked)-1-firstFail >= s.Bisect {
		return 0, false
	}
	next := roundRate((good + failed) / 2)
	if next <= good || next >= failed {
		return 0, false // the gap is below rounding
	}
	return next, true
}

// roundRate keeps three significant digits.
func roundRate(r float64) float64 {
	if r <= 0 {
		return 0
	}
	scale := math.Pow(10, math.Floor(math.Log10(r))-2)
	return math.Round(r/scale) * scale
}

// Capacity is what a search found.
type Capacity struct {
	// Delivered is the highest delivered rate of a good point (0: none),
	// at the offered Rate per publisher.
	Delivered float64 `json:"delivered_per_sec"`
	Rate      float64 `json:"rate"`
	// Limit says what ended the search above it: "p99" (the latency
	// bound or losses: the server), "client" (the load generator fell
	// behind first: the capacity may be higher, not ranked), "none" (every
	// point was good: the capacity is at least Delivered), or "error".
	Limit string `json:"limit"`
	// Ranked is false when the capacity cannot rank the library: no good
	// point, or the load generator set the limit.
	Ranked bool `json:"ranked"`
}

// CapacityOf reads the capacity from the walked points.
func CapacityOf(walked []Point) Capacity {
	var c Capacity
	lowestFail := -1
	for i, p := range walked {
		if p.Good && p.Delivered > c.Delivered {
			c.Delivered, c.Rate = p.Delivered, p.Rate
		}
		if !p.Good && (lowestFail < 0 || p.Rate < walked[lowestFail].Rate) {
			lowestFail = i
		}
	}
	switch {
	case lowestFail < 0:
		c.Limit = "none"
	case walked[lowestFail].Behind:
		c.Limit = "client"
	case walked[lowestFail].Delivered == 0 && walked[lowestFail].DeliveryCount == 0:
		c.Limit = "error"
	default:
		c.Limit = "p99"
	}
	c.Ranked = c.Delivered > 0 && c.Limit == "p99"
	return c
}
