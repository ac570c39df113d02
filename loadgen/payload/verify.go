package payload

import "sort"

// Outcome is what Stream.Observe concluded about one message.
type Outcome int

const (
	// InOrder: the highest sequence number so far (possibly after a gap).
	InOrder Outcome = iota
	// Late: a sequence number that was skipped before and arrives now, after
	// a higher one: the message was reordered.
	Late
	// Duplicate: a sequence number already seen.
	Duplicate
)

// span is the half-open range [lo, hi) of sequence numbers.
type span struct{ lo, hi uint64 }

// Stream checks the order of one stream of messages (sequence numbers 0, 1,
// 2, ...) at one receiver without keeping a per-message record: it keeps
// the highest number seen and the gaps below it, so memory grows only with
// faults. The zero value is ready. Not safe for concurrent use.
type Stream struct {
	started bool
	first   uint64 // lowest sequence number seen
	next    uint64 // one past the highest seen
	gaps    []span // numbers in [first, next) not seen yet, sorted, disjoint
}

// Observe records the arrival of seq.
func (s *Stream) Observe(seq uint64) Outcome {
	switch {
	case !s.started:
		s.started, s.first, s.next = true, seq, seq+1
		return InOrder
	case seq == s.next:
		s.next++
		return InOrder
	case seq > s.next:
		s.gaps = append(s.gaps, span{s.next, seq})
		s.next = seq + 1
		return InOrder
	case seq < s.first:
		if seq+1 < s.first {
			s.gaps = append([]span{{seq + 1, s.first}}, s.gaps...)
		}
		s.first = seq
		return Late
	}
	// first <= seq < next: a gap being filled, or a duplicate.
	i := sort.Search(len(s.gaps), func(i int) bool { return s.gaps[i].hi > seq })
	if i == len(s.gaps) || s.gaps[i].lo > seq {
		return Duplicate
	}
	g := s.gaps[i]
	switch {
	case g.lo == seq && g.hi == seq+1:
		s.gaps = append(s.gaps[:i], s.gaps[i+1:]...)
	case g.lo == seq:
		s.gaps[i].lo++
	case g.hi == seq+1:
		s.gaps[i].hi--
	default:
		s.gaps = append(s.gaps, span{})
		copy(s.gaps[i+2:], s.gaps[i+1:])
		s.gaps[i] = span{g.lo, seq}
		s.gaps[i+1] = span{seq + 1, g.hi}
	}
	return Late
}

// First returns the lowest sequence number seen, and false if none was.
func (s *Stream) First() (uint64, bool) { return s.first, s.started }

// Next is one past the highest sequence number seen (0 before any).
func (s *Stream) Next() uint64 { return s.next }

// Missing counts the sequence numbers in [from, to) never seen.
func (s *Stream) Missing(from, to uint64) int64 {
	if from >= to {
		return 0
	}
	if !s.started {
		return int64(to - from)
	}
	n := overlap(from, to, 0, s.first) + overlap(from, to, s.next, ^uint64(0))
	for _, g := range s.gaps {
		n += overlap(from, to, g.lo, g.hi)
	}
	return int64(n)
}

// overlap is the size of [a, b) ∩ [c, d).
func overlap(a, b, c, d uint64) uint64 {
	lo, hi := max(a, c), min(b, d)
	if lo >= hi {
		return 0
	}
	return hi - lo
}
