package agents

import (
	"errors"
	"fmt"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/wsbench/wsbench/loadgen/histo"
	"github.com/wsbench/wsbench/loadgen/result"
)

// Shared is what several agents that ran one broadcast together (loadgen
// -agents: every subscriber of every agent receives every agent's
// publishes) measured between them.
type Shared struct {
	Subscribers int64 // all agents' subscribers
	Published   int64 // measured broadcasts, all agents' publishers
	// Expected is Published x Subscribers; Delivered the measured
	// deliveries the agents' subscribers checked; Lost what is missing
	// (Expected - Delivered, never negative).
	Expected, Delivered, Lost int64
	Duplicated, Reordered     int64
	Corrupt                   int64
	// FanoutLast is the time to the last subscriber of all agents, one
	// value (ns) per measured broadcast: per broadcast, the largest of
	// the agents' largest latencies (Result.FanoutMaxNS). A broadcast
	// that some agent received nowhere is left out (its loss counts).
	FanoutLast *hdrhistogram.Histogram
}

// CombineShared combines the results of agents that ran one broadcast
// together. Every result needs FanoutMaxNS with the same streams.
func CombineShared(rs []*result.Result) (*Shared, error) {
	if len(rs) == 0 {
		return nil, errors.New("agents: no result")
	}
	streams := len(rs[0].FanoutMaxNS)
	if streams == 0 {
		return nil, errors.New("agents: result 0 has no per-broadcast maxima (run the agents with -agents)")
	}
	s := &Shared{FanoutLast: histo.New()}
	for i, r := range rs {
		if len(r.FanoutMaxNS) != streams {
			return nil, fmt.Errorf("agents: result %d has %d streams, result 0 %d", i, len(r.FanoutMaxNS), streams)
		}
		s.Subscribers += int64(r.Conns)
		s.Published += r.Sent
		s.Delivered += r.Received
		s.Duplicated += r.Duplicated
		s.Reordered += r.Reordered
		s.Corrupt += r.Corrupt
	}
	s.Expected = s.Published * s.Subscribers
	s.Lost = max(s.Expected-s.Delivered, 0)
	for st := range streams {
		n := 0
		for _, r := range rs {
			n = max(n, len(r.FanoutMaxNS[st]))
		}
		for seq := range n {
			var last int64
			everywhere := true
			for _, r := range rs {
				v := int64(0)
				if seq < len(r.FanoutMaxNS[st]) {
					v = r.FanoutMaxNS[st][seq]
				}
				if v <= 0 {
					everywhere = false
					break
				}
				last = max(last, v)
			}
			if everywhere {
				if err := s.FanoutLast.RecordValue(last); err != nil {
					return nil, fmt.Errorf("agents: fan-out %d ns: %w", last, err)
				}
			}
		}
	}
	return s, nil
}
