package record

import (
	"strings"

	"github.com/wsbench/wsbench/loadgen/result"
)

// Metric is one number taken from a load generator result.
type Metric struct {
	Key   string // key in Cell.Median, Min, Max and a results.csv column stem
	Label string // for table headers
	Unit  string
	// Get returns the value and whether r carries it.
	Get func(r *result.Result) (float64, bool)
}

func always(f func(r *result.Result) float64) func(*result.Result) (float64, bool) {
	return func(r *result.Result) (float64, bool) { return f(r), true }
}

func positive(f func(r *result.Result) float64) func(*result.Result) (float64, bool) {
	return func(r *result.Result) (float64, bool) {
		v := f(r)
		return v, v > 0
	}
}

func latency(l func(r *result.Result) *result.Latency, pick func(*result.Latency) float64) func(*result.Result) (float64, bool) {
	return func(r *result.Result) (float64, bool) {
		lat := l(r)
		if lat == nil || lat.Count == 0 {
			return 0, false
		}
		return pick(lat), true
	}
}

func server(pick func(p *result.Proc) float64) func(*result.Result) (float64, bool) {
	return func(r *result.Result) (float64, bool) {
		if r.Server == nil {
			return 0, false
		}
		return pick(r.Server), true
	}
}

func rtt(r *result.Result) *result.Latency  { return &r.LatencyUS }
func last(r *result.Result) *result.Latency { return r.FanoutLastUS }

// Metric keys used by the status rules and the report.
const (
	MsgsPerSec        = "msgs_per_sec"
	MBPerSec          = "mb_per_sec"
	RateAchieved      = "rate_achieved"
	LatP50            = "latency_p50_us"
	LatP90            = "latency_p90_us"
	LatP99            = "latency_p99_us"
	LatP999           = "latency_p999_us"
	LatMax            = "latency_max_us"
	LastP50           = "fanout_last_p50_us"
	LastP90           = "fanout_last_p90_us"
	LastP99           = "fanout_last_p99_us"
	LastP999          = "fanout_last_p999_us"
	LastMax           = "fanout_last_max_us"
	LastCount         = "fanout_last_count"
	HandshakesPerSec  = "handshakes_per_sec"
	ServerCPUUtil     = "server_cpu_util"
	ServerCPUUSPerMsg = "server_cpu_us_per_msg"
	ServerRSS         = "server_rss_bytes"
	ServerRSSPeak     = "server_rss_peak_bytes"
	ServerRSSBase     = "server_rss_base_bytes"
	ServerRSSPerConn  = "server_rss_per_conn_bytes"
	ClientCPUUtil     = "client_cpu_util"
	ClientCPUUSPerMsg = "client_cpu_us_per_msg"
	BytesTXPerMsg     = "bytes_tx_per_msg"
	BytesRXPerMsg     = "bytes_rx_per_msg"
	BytesPerMsg       = "bytes_per_msg"
	RequestsPerMsg    = "requests_per_msg"
	EmptyPollShare    = "empty_poll_share"
	SendLagP99        = "send_lag_p99_us"
	ConnMin           = "per_conn_min"
	ConnP50           = "per_conn_p50"
	ConnMax           = "per_conn_max"
	Jain              = "jain"
)

func perConn(pick func(p *result.PerConn) float64) func(*result.Result) (float64, bool) {
	return func(r *result.Result) (float64, bool) {
		if r.PerConn == nil {
			return 0, false
		}
		return pick(r.PerConn), true
	}
}

// Metrics lists every metric the bench summarizes, in results.csv order.
var Metrics = []Metric{
	{MsgsPerSec, "msgs/s", "msg/s", always(func(r *result.Result) float64 { return r.MsgsPerSec })},
	{MBPerSec, "MB/s", "MB/s", always(func(r *result.Result) float64 { return r.MBPerSec })},
	{RateAchieved, "sent/s", "msg/s", always(func(r *result.Result) float64 { return r.RateAchieved })},
	{LatP50, "p50", "µs", latency(rtt, func(l *result.Latency) float64 { return l.P50 })},
	{LatP90, "p90", "µs", latency(rtt, func(l *result.Latency) float64 { return l.P90 })},
	{LatP99, "p99", "µs", latency(rtt, func(l *result.Latency) float64 { return l.P99 })},
	{LatP999, "p99.9", "µs", latency(rtt, func(l *result.Latency) float64 { return l.P999 })},
	{LatMax, "max", "µs", latency(rtt, func(l *result.Latency) float64 { return l.Max })},
	{LastP50, "last p50", "µs", latency(last, func(l *result.Latency) float64 { return l.P50 })},
	{LastP90, "last p90", "µs", latency(last, func(l *result.Latency) float64 { return l.P90 })},
	{LastP99, "last p99", "µs", latency(last, func(l *result.Latency) float64 { return l.P99 })},
	{LastP999, "last p99.9", "µs", latency(last, func(l *result.Latency) float64 { return l.P999 })},
	{LastMax, "last max", "µs", latency(last, func(l *result.Latency) float64 { return l.Max })},
	// The number of messages behind the time-to-last-subscriber
	// percentiles: one per publish that every subscriber received. Below
	// TailSamples a p99 is the maximum (see TailName).
	{LastCount, "last n", "1", latency(last, func(l *result.Latency) float64 { return float64(l.Count) })},
	{HandshakesPerSec, "handshakes/s", "1/s", positive(func(r *result.Result) float64 { return r.HandshakesPerSec })},
	{ServerCPUUtil, "server CPU", "cores", server(func(p *result.Proc) float64 { return p.CPUUtil })},
	{ServerCPUUSPerMsg, "server CPU/msg", "µs", server(func(p *result.Proc) float64 { return p.CPUUSPerMsg })},
	{ServerRSS, "server RSS", "B", server(func(p *result.Proc) float64 { return float64(p.RSSBytes) })},
	{ServerRSSPeak, "server peak RSS", "B", server(func(p *result.Proc) float64 { return float64(p.RSSPeakBytes) })},
	{ServerRSSBase, "server base RSS", "B", server(func(p *result.Proc) float64 { return float64(p.RSSBaseBytes) })},
	{ServerRSSPerConn, "server RSS/conn", "B", server(func(p *result.Proc) float64 { return p.RSSPerConnBytes })},
	{ClientCPUUtil, "client CPU", "cores", always(func(r *result.Result) float64 { return r.Client.CPUUtil })},
	{ClientCPUUSPerMsg, "client CPU/msg", "µs", always(func(r *result.Result) float64 { return r.Client.CPUUSPerMsg })},
	{BytesTXPerMsg, "bytes tx/msg", "B", always(func(r *result.Result) float64 { return r.BytesPerMsg.TX })},
	{BytesRXPerMsg, "bytes rx/msg", "B", always(func(r *result.Result) float64 { return r.BytesPerMsg.RX })},
	{BytesPerMsg, "bytes/msg", "B", always(func(r *result.Result) float64 { return r.BytesPerMsg.TX + r.BytesPerMsg.RX })},
	// HTTP requests (polls, publishes, echoes, streams opened) in the
	// measured interval per message received, for the cells that speak
	// HTTP (REST and the SockJS xhr transports); absent for WebSocket.
	{RequestsPerMsg, "requests/msg", "1", func(r *result.Result) (float64, bool) {
		if r.Received <= 0 || (r.Proto != "http" && !strings.HasPrefix(r.Variant, "sockjs-xhr")) {
			return 0, false
		}
		return float64(r.Requests) / float64(r.Received), true
	}},
	// Open loop: how late the load generator sent (its own queueing).
	{SendLagP99, "send lag p99", "µs", latency(func(r *result.Result) *result.Latency { return r.SendLagUS }, func(l *result.Latency) float64 { return l.P99 })},
	// How evenly connections were served (echo: echoes per connection per
	// second; broadcast: deliveries per subscriber per second).
	{ConnMin, "conn min", "msg/s", perConn(func(p *result.PerConn) float64 { return p.Min })},
	{ConnP50, "conn median", "msg/s", perConn(func(p *result.PerConn) float64 { return p.P50 })},
	{ConnMax, "conn max", "msg/s", perConn(func(p *result.PerConn) float64 { return p.Max })},
	{Jain, "Jain", "1", perConn(func(p *result.PerConn) float64 { return p.Jain })},
	// The share of HTTP requests that were polls answered with nothing.
	{EmptyPollShare, "empty polls", "1", func(r *result.Result) (float64, bool) {
		if r.Requests <= 0 {
			return 0, false
		}
		return float64(r.EmptyPolls) / float64(r.Requests), true
	}},
}

// MetricByKey finds a metric.
func MetricByKey(key string) (Metric, bool) {
	for _, m := range Metrics {
		if m.Key == key {
			return m, true
		}
	}
	return Metric{}, false
}

// TailSamples is the fewest samples per trial behind a latency p99 that
// may be called a p99: with fewer, the 99th percentile is the largest
// sample or next to it. A broadcast trial has one time-to-last-subscriber
// sample per publish (LastCount).
const TailSamples = 200

// TailName names the tail figure of a latency whose trials had count
// samples each: "p99" from TailSamples up, "max" below.
func TailName(count float64) string {
	if count >= TailSamples {
		return "p99"
	}
	return "max"
}
