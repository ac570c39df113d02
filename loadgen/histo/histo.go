// Package histo collects latencies into HDR histograms without a lock per
// sample: each goroutine records into its own small Recorder, which hands
// full batches to one of a few shared, locked histograms; Merged combines
// them at the end.
//
// Values are nanoseconds, tracked from 1 ns to 1 hour with 3 significant
// digits; results are reported in microseconds.
package histo

import (
	"math"
	"sync"
	"sync/atomic"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/wsbench/wsbench/loadgen/result"
)

// Highest is the largest value tracked (1 hour in nanoseconds); larger
// values are recorded as Highest and counted by Sink.Clamped.
const Highest = int64(3600e9)

// New returns an empty histogram with the package's range and precision.
func New() *hdrhistogram.Histogram { return hdrhistogram.New(1, Highest, 3) }

// Sink is the shared destination of many Recorders.
type Sink struct {
	shards  []shard
	next    atomic.Uint32
	clamped atomic.Int64
}

type shard struct {
	mu sync.Mutex
	h  *hdrhistogram.Histogram
	_  [40]byte // keep neighbouring locks on separate cache lines
}

// NewSink returns a sink with n shards (at least 1).
func NewSink(n int) *Sink {
	s := &Sink{shards: make([]shard, max(n, 1))}
	for i := range s.shards {
		s.shards[i].h = New()
	}
	return s
}

// batch is the number of samples a Recorder buffers before taking a lock.
const batch = 128

// Recorder buffers samples of one goroutine. Not safe for concurrent use.
type Recorder struct {
	sink *Sink
	sh   *shard
	n    int
	buf  [batch]int64
}

// NewRecorder returns a recorder feeding s.
func (s *Sink) NewRecorder() *Recorder {
	i := s.next.Add(1) % uint32(len(s.shards))
	return &Recorder{sink: s, sh: &s.shards[i]}
}

// Record adds one value in nanoseconds. Values below 1 count as 1.
func (r *Recorder) Record(ns int64) {
	r.buf[r.n] = ns
	r.n++
	if r.n == batch {
		r.Flush()
	}
}

// Flush hands the buffered samples to the sink. Call it when the goroutine
// is done recording.
func (r *Recorder) Flush() {
	if r.n == 0 {
		return
	}
	clamped := 0
	r.sh.mu.Lock()
	for _, v := range r.buf[:r.n] {
		switch {
		case v < 1:
			v = 1
		case v > Highest:
			v = Highest
			clamped++
		}
		_ = r.sh.h.RecordValue(v)
	}
	r.sh.mu.Unlock()
	r.n = 0
	if clamped > 0 {
		r.sink.clamped.Add(int64(clamped))
	}
}

// Clamped is the number of values above Highest.
func (s *Sink) Clamped() int64 { return s.clamped.Load() }

// Merged returns one histogram with every flushed sample.
func (s *Sink) Merged() *hdrhistogram.Histogram {
	h := New()
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		h.Merge(sh.h)
		sh.mu.Unlock()
	}
	return h
}

// Summary returns the percentiles of h in microseconds.
func Summary(h *hdrhistogram.Histogram) result.Latency {
	if h.TotalCount() == 0 {
		return result.Latency{}
	}
	us := func(ns int64) float64 { return round3(float64(ns) / 1e3) }
	return result.Latency{
		P50:   us(h.ValueAtQuantile(50)),
		P90:   us(h.ValueAtQuantile(90)),
		P99:   us(h.ValueAtQuantile(99)),
		P999:  us(h.ValueAtQuantile(99.9)),
		Max:   us(h.Max()),
		Mean:  round3(h.Mean() / 1e3),
		Count: h.TotalCount(),
	}
}

// Curve returns h's percentile distribution in the HDR style (5 points per
// halving of the distance to 100%), values in microseconds.
func Curve(h *hdrhistogram.Histogram) []result.Point {
	if h.TotalCount() == 0 {
		return nil
	}
	var pts []result.Point
	for _, b := range h.CumulativeDistributionWithTicks(5) {
		pts = append(pts, result.Point{Percentile: round3(b.Quantile), US: round3(float64(b.ValueAt) / 1e3)})
	}
	return pts
}

// round3 keeps three decimals, enough for microseconds from nanoseconds.
func round3(v float64) float64 { return math.Round(v*1e3) / 1e3 }
