package scenario

import "testing"

func TestAgentsSchedulesAreStaggeredAndCounted(t *testing.T) {
	const interval, agents = 1000.0, 4
	// Together, the agents' schedules are one schedule at agents times
	// the rate: every due time of the combined one appears once.
	combined := map[int64]bool{}
	var total int64
	for a := range agents {
		start := agentOffset(interval, a, agents)
		total += scheduled(start, interval, 0, 10*interval)
		for k := int64(0); k < 10; k++ {
			combined[start+int64(float64(k)*interval)] = true
		}
	}
	for k := int64(0); k < 10*agents; k++ {
		if due := int64(float64(k) * interval / agents); !combined[due] {
			t.Errorf("combined schedule lacks %d", due)
		}
	}
	if want := int64(10 * agents); total != want {
		t.Errorf("%d scheduled in 10 intervals, want %d", total, want)
	}
	// [t0, t1) takes the due times at t0 and before t1.
	if n := scheduled(0, interval, 2*interval, 5*interval); n != 3 {
		t.Errorf("scheduled in [2, 5) intervals: %d, want 3", n)
	}
}

func TestFanMaxKeepsTheLargest(t *testing.T) {
	f := newFanMax(2, 3)
	f.observe(0, 1, 50)
	f.observe(0, 1, 70)
	f.observe(0, 1, 60)
	f.observe(1, 0, 5)
	f.observe(5, 0, 9)     // no such stream: ignored
	f.observe(1, 1<<40, 9) // past the capacity: ignored
	got := f.values()
	if len(got) != 2 || len(got[0]) != 2 || got[0][1] != 70 || got[0][0] != 0 || len(got[1]) != 1 || got[1][0] != 5 {
		t.Errorf("values %v, want [[0 70] [5]]", got)
	}
}
