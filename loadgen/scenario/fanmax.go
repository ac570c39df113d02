package scenario

import (
	"math"
	"sync/atomic"
)

// fanMax keeps, per stream and sequence number, the largest latency among
// this agent's subscribers (broadcast with several agents): the agents'
// maxima, combined by whoever merges their results, give the time to the
// last subscriber of all agents exactly. Sequence numbers past the
// capacity are not kept.
type fanMax struct {
	streams [][]atomic.Int64
}

// newFanMax sizes it for streams streams of about perStream messages each
// (with a margin for a late or early schedule).
func newFanMax(streams int, perStream float64) *fanMax {
	n := int(math.Ceil(perStream))*2 + 64
	f := &fanMax{streams: make([][]atomic.Int64, streams)}
	for i := range f.streams {
		f.streams[i] = make([]atomic.Int64, n)
	}
	return f
}

// observe records one measured delivery of message seq of stream.
func (f *fanMax) observe(stream uint32, seq uint64, lat int64) {
	if int(stream) >= len(f.streams) || seq >= uint64(len(f.streams[stream])) {
		return
	}
	s := &f.streams[stream][seq]
	for {
		old := s.Load()
		if lat <= old || s.CompareAndSwap(old, lat) {
			return
		}
	}
}

// values returns the maxima, each stream cut after its last non-zero one.
func (f *fanMax) values() [][]int64 {
	out := make([][]int64, len(f.streams))
	for i, st := range f.streams {
		end := 0
		for j := range st {
			if st[j].Load() != 0 {
				end = j + 1
			}
		}
		out[i] = make([]int64, end)
		for j := range end {
			out[i][j] = st[j].Load()
		}
	}
	return out
}

// agentOffset is how much later than agent 0's agent a's schedule starts:
// the agents' publishes together are evenly spaced.
func agentOffset(interval float64, a, agents int) int64 {
	return int64(interval * float64(a) / float64(agents))
}

// scheduled counts the messages of a schedule (message k due at start +
// k*interval, as the pacer has it) that are due in [t0, t1).
func scheduled(start int64, interval float64, t0, t1 int64) int64 {
	var n int64
	for k := int64(0); ; k++ {
		due := start + int64(float64(k)*interval)
		if due >= t1 {
			return n
		}
		if due >= t0 {
			n++
		}
	}
}
