package histo

import (
	"sync"
	"testing"
)

func TestRecordersMerge(t *testing.T) {
	s := NewSink(3)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := s.NewRecorder()
			for i := 1; i <= 1000; i++ {
				r.Record(int64(i) * 1000) // 1..1000 µs
			}
			r.Flush()
		}()
	}
	wg.Wait()
	h := s.Merged()
	if h.TotalCount() != 8000 {
		t.Fatalf("count %d, want 8000", h.TotalCount())
	}
	l := Summary(h)
	if l.P50 < 495 || l.P50 > 505 || l.Max < 999 || l.Max > 1001 || l.Count != 8000 {
		t.Fatalf("summary %+v", l)
	}
	c := Curve(h)
	if len(c) < 10 || c[len(c)-1].Percentile != 100 {
		t.Fatalf("curve %v", c)
	}
	for i := 1; i < len(c); i++ {
		if c[i].Percentile < c[i-1].Percentile || c[i].US < c[i-1].US {
			t.Fatalf("curve not monotonic at %d: %v", i, c[i-1:i+1])
		}
	}
}

func TestClampAndAllocs(t *testing.T) {
	s := NewSink(1)
	r := s.NewRecorder()
	r.Record(Highest * 2)
	r.Record(-5)
	r.Flush()
	if s.Clamped() != 1 || s.Merged().TotalCount() != 2 {
		t.Fatalf("clamped %d count %d", s.Clamped(), s.Merged().TotalCount())
	}
	if n := testing.AllocsPerRun(1000, func() { r.Record(12345) }); n != 0 {
		t.Fatalf("%v allocations per Record", n)
	}
}
