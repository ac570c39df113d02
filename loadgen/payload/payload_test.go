package payload

import (
	"errors"
	"testing"
)

func TestStampCheck(t *testing.T) {
	f, err := NewFormat(100, 0xBEEF)
	if err != nil {
		t.Fatal(err)
	}
	m := f.New()
	f.Stamp(m, 123456789, 987654321, 4242)
	for _, c := range m {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			t.Fatalf("byte %q is not alphanumeric", c)
		}
	}
	h, err := f.Check(m)
	if err != nil {
		t.Fatal(err)
	}
	want := Header{Seq: 123456789, Time: 987654321, Stream: 4242, Run: 0xBEEF}
	if h != want {
		t.Fatalf("got %+v, want %+v", h, want)
	}
	if n := testing.AllocsPerRun(100, func() {
		f.Stamp(m, 1, 2, 3)
		_, _ = f.Check(m)
	}); n != 0 {
		t.Fatalf("%v allocations per stamp+check", n)
	}
}

func TestCheckDetectsDamage(t *testing.T) {
	f, _ := NewFormat(64, 7)
	for i := 0; i < 64; i++ {
		m := f.New()
		f.Stamp(m, 5, 6, 7)
		m[i] ^= 0x01
		if _, err := f.Check(m); err == nil {
			t.Fatalf("flipping byte %d went unnoticed", i)
		} else if i >= HeaderSize && !errors.Is(err, ErrFiller) {
			t.Fatalf("byte %d: got %v, want ErrFiller", i, err)
		}
	}
	m := f.New()
	f.Stamp(m, 5, 6, 7)
	if _, err := f.Check(m[:63]); !errors.Is(err, ErrSize) {
		t.Fatalf("short message: %v", err)
	}
	g, _ := NewFormat(64, 8)
	if _, err := g.Check(m); !errors.Is(err, ErrForeign) {
		t.Fatalf("other run: %v", err)
	}
	if _, err := NewFormat(HeaderSize-1, 0); err == nil {
		t.Fatal("size below the header accepted")
	}
}

func TestStream(t *testing.T) {
	type step struct {
		seq  uint64
		want Outcome
	}
	cases := []struct {
		name      string
		steps     []step
		from, to  uint64
		missing   int64
		wantFirst uint64
	}{
		{"in order", []step{{0, InOrder}, {1, InOrder}, {2, InOrder}}, 0, 3, 0, 0},
		{"tail lost", []step{{0, InOrder}, {1, InOrder}}, 0, 4, 2, 0},
		{"gap", []step{{0, InOrder}, {2, InOrder}, {3, InOrder}}, 0, 4, 1, 0},
		{"swap", []step{{0, InOrder}, {2, InOrder}, {1, Late}, {3, InOrder}}, 0, 4, 0, 0},
		{"duplicate", []step{{0, InOrder}, {1, InOrder}, {1, Duplicate}, {0, Duplicate}}, 0, 2, 0, 0},
		{"fill middle of gap", []step{{0, InOrder}, {5, InOrder}, {2, Late}, {2, Duplicate}, {1, Late}, {4, Late}}, 0, 6, 1, 0},
		{"late join excused", []step{{3, InOrder}, {4, InOrder}}, 3, 5, 0, 3},
		{"late join counted", []step{{3, InOrder}, {4, InOrder}}, 0, 5, 3, 3},
		{"below first", []step{{3, InOrder}, {1, Late}, {2, Late}, {4, InOrder}}, 1, 5, 0, 1},
		{"nothing", nil, 0, 3, 3, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var s Stream
			for i, st := range c.steps {
				if got := s.Observe(st.seq); got != st.want {
					t.Fatalf("step %d (seq %d): got %v, want %v", i, st.seq, got, st.want)
				}
			}
			if got := s.Missing(c.from, c.to); got != c.missing {
				t.Fatalf("Missing(%d,%d) = %d, want %d", c.from, c.to, got, c.missing)
			}
			if first, _ := s.First(); first != c.wantFirst {
				t.Fatalf("First = %d, want %d", first, c.wantFirst)
			}
		})
	}
}

func TestStreamNoAllocInOrder(t *testing.T) {
	var s Stream
	var seq uint64
	if n := testing.AllocsPerRun(1000, func() { s.Observe(seq); seq++ }); n != 0 {
		t.Fatalf("%v allocations per in-order message", n)
	}
}
