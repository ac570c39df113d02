package agents

import (
	"testing"

	"github.com/wsbench/wsbench/loadgen/histo"
	"github.com/wsbench/wsbench/loadgen/result"
)

func TestCombineSharedTakesTheLargestPerBroadcast(t *testing.T) {
	// Two agents, two streams (one publisher each), 10 subscribers each.
	// Sequence 0 of each stream was not measured (zero everywhere);
	// stream 1's sequence 3 reached no subscriber of agent b.
	a := &result.Result{Conns: 10, Sent: 3, Received: 59, Duplicated: 1,
		FanoutMaxNS: [][]int64{{0, 100, 700, 300}, {0, 5000, 60, 90}}}
	b := &result.Result{Conns: 10, Sent: 3, Received: 58, Reordered: 2,
		FanoutMaxNS: [][]int64{{0, 400, 200, 800}, {0, 10, 70}}}
	s, err := CombineShared([]*result.Result{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if s.Subscribers != 20 || s.Published != 6 {
		t.Errorf("subscribers %d published %d, want 20 and 6", s.Subscribers, s.Published)
	}
	wantExpected := s.Published * s.Subscribers
	if s.Expected != wantExpected || s.Delivered != a.Received+b.Received || s.Lost != wantExpected-a.Received-b.Received {
		t.Errorf("expected %d delivered %d lost %d", s.Expected, s.Delivered, s.Lost)
	}
	if s.Duplicated != 1 || s.Reordered != 2 {
		t.Errorf("dup %d reordered %d, want the sums 1 and 2", s.Duplicated, s.Reordered)
	}
	want := histo.New()
	for _, v := range []int64{400, 700, 800, 5000, 70} { // per broadcast, the larger agent's
		if err := want.RecordValue(v); err != nil {
			t.Fatal(err)
		}
	}
	if s.FanoutLast.TotalCount() != want.TotalCount() {
		t.Fatalf("%d broadcasts, want %d", s.FanoutLast.TotalCount(), want.TotalCount())
	}
	for _, q := range []float64{0, 50, 90, 100} {
		if g, w := s.FanoutLast.ValueAtQuantile(q), want.ValueAtQuantile(q); g != w {
			t.Errorf("q%g: %d, want %d", q, g, w)
		}
	}
}

func TestCombineSharedRefusesMismatchedStreams(t *testing.T) {
	a := &result.Result{Conns: 1, FanoutMaxNS: [][]int64{{1}, {2}}}
	b := &result.Result{Conns: 1, FanoutMaxNS: [][]int64{{1}}}
	if _, err := CombineShared([]*result.Result{a, b}); err == nil {
		t.Error("results with 2 and 1 streams were combined")
	}
	if _, err := CombineShared([]*result.Result{{Conns: 1}}); err == nil {
		t.Error("a result without maxima was combined")
	}
}
