package rest

import "sync"

// msgLog is the bounded message log behind /publish, /poll and /events: a
// ring holding the newest messages, indexed by sequence number, and a
// channel that the next append closes to wake every waiting reader at once
// (long polls and event streams block on it; nothing polls).
type msgLog struct {
	mu   sync.Mutex
	ring [][]byte // message seq lives at ring[(seq-1)&mask]; grows to size
	mask uint64
	size uint64        // how many messages the log retains at most
	last uint64        // newest sequence number; 0 while the log is empty
	wake chan struct{} // closed by the next append; nil while nobody waits
}

// initialRing is the ring's first length: a log holding few messages (an
// idle chat room) costs little; the ring doubles as it fills, up to size.
const initialRing = 16

// newLog returns an empty log keeping the newest size messages; size must
// be a power of two.
func newLog(size int) *msgLog {
	if size <= 0 || size&(size-1) != 0 {
		panic("rest: log size must be a power of two")
	}
	n := min(size, initialRing)
	return &msgLog{ring: make([][]byte, n), mask: uint64(n - 1), size: uint64(size)}
}

// grow doubles the ring when it is full and below size, so that nothing
// is evicted before the log holds size messages; l.mu is held.
func (l *msgLog) grow() {
	n := uint64(len(l.ring))
	if l.last < n || n >= l.size {
		return
	}
	ring := make([][]byte, 2*n)
	mask := 2*n - 1
	for seq := l.last - n + 1; seq <= l.last; seq++ {
		ring[(seq-1)&mask] = l.ring[(seq-1)&l.mask]
	}
	l.ring, l.mask = ring, mask
}

// append stores p, which the log now owns and nobody may modify, and
// returns its sequence number. The first message gets 1.
func (l *msgLog) append(p []byte) uint64 {
	l.mu.Lock()
	l.grow()
	l.last++
	seq := l.last
	l.ring[(seq-1)&l.mask] = p
	wake := l.wake
	l.wake = nil
	l.mu.Unlock()
	if wake != nil {
		close(wake)
	}
	return seq
}

// read appends to dst every retained message with a sequence number above
// after, oldest first, and returns them with the sequence number of the
// first one and the newest sequence number in the log. When there is none,
// wake is a channel that the next append closes; otherwise it is nil.
func (l *msgLog) read(after uint64, dst [][]byte) (msgs [][]byte, first, last uint64, wake <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	last = l.last
	if after >= last {
		if l.wake == nil {
			l.wake = make(chan struct{})
		}
		return dst, 0, last, l.wake
	}
	first = after + 1
	if oldest := l.oldest(); first < oldest {
		first = oldest
	}
	for seq := first; seq <= last; seq++ {
		dst = append(dst, l.ring[(seq-1)&l.mask])
	}
	return dst, first, last, nil
}

// newest returns the newest sequence number (0 while empty).
func (l *msgLog) newest() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.last
}

// oldest returns the sequence number of the oldest retained message; the
// caller holds l.mu.
func (l *msgLog) oldest() uint64 {
	if size := l.mask + 1; l.last > size {
		return l.last - size + 1
	}
	return 1
}
