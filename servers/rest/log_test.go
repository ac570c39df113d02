package rest

import (
	"strconv"
	"testing"
)

// TestLogGrowsThenEvicts: the ring starts small and grows, keeping every
// message, until it holds size; then the oldest go, in order.
func TestLogGrowsThenEvicts(t *testing.T) {
	const size = 4 * initialRing
	l := newLog(size)
	if len(l.ring) != initialRing {
		t.Fatalf("a new log's ring holds %d, want %d", len(l.ring), initialRing)
	}
	check := func(n uint64) {
		t.Helper()
		msgs, first, last, _ := l.read(0, nil)
		wantFirst := uint64(1)
		if n > size {
			wantFirst = n - size + 1
		}
		if first != wantFirst || last != n || uint64(len(msgs)) != n-wantFirst+1 {
			t.Fatalf("after %d appends: first %d last %d, %d messages", n, first, last, len(msgs))
		}
		for i, p := range msgs {
			if want := strconv.FormatUint(first+uint64(i), 10); string(p) != want {
				t.Fatalf("after %d appends: message %d is %q, want %q", n, first+uint64(i), p, want)
			}
		}
	}
	for n := uint64(1); n <= 3*size; n++ {
		if seq := l.append([]byte(strconv.FormatUint(n, 10))); seq != n {
			t.Fatalf("append %d got seq %d", n, seq)
		}
		check(n)
	}
	if len(l.ring) != size {
		t.Fatalf("ring of %d after %d appends, want %d", len(l.ring), 3*size, size)
	}
}
