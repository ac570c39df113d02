package procstat

import (
	"math"
	"testing"
	"time"
)

func TestForeignOn(t *testing.T) {
	at := time.Unix(1000, 0)
	a := CPUs{At: at, Busy: map[int]float64{0: 10, 1: 20, 2: 5}, Steal: map[int]float64{0: 1, 1: 1, 2: 0}}
	b := CPUs{At: at.Add(2 * time.Second), Busy: map[int]float64{0: 12, 1: 21.5, 2: 7}, Steal: map[int]float64{0: 1.2, 1: 1, 2: 0}}
	// CPUs 0 and 1 were busy 3.5 s in 2 s; the measured processes took 3 s.
	f, ok := ForeignOn([]int{0, 1}, a, b, 3)
	if !ok || math.Abs(f.CPUUtil-0.25) > 1e-9 || math.Abs(f.StealUtil-0.1) > 1e-9 {
		t.Errorf("ForeignOn = %+v, %v; want 0.25 CPU foreign, 0.1 stolen", f, ok)
	}
	// Tick rounding can make the processes' time exceed the CPUs' busy time.
	if f, _ := ForeignOn([]int{0}, a, b, 2.02); f.CPUUtil != 0 {
		t.Errorf("own time above busy time: foreign %v, want 0", f.CPUUtil)
	}
	if _, ok := ForeignOn([]int{7}, a, b, 0); ok {
		t.Error("a CPU missing from the readings must give no figure")
	}
	if _, ok := ForeignOn([]int{0}, b, a, 0); ok {
		t.Error("an empty interval must give no figure")
	}
}

func TestReadCPUs(t *testing.T) {
	c, err := ReadCPUs()
	if err != nil {
		t.Skipf("no /proc/stat here: %v", err)
	}
	if len(c.Busy) == 0 {
		t.Fatal("no CPU in /proc/stat")
	}
	for n, v := range c.Busy {
		if v < 0 {
			t.Errorf("CPU %d busy %v s", n, v)
		}
	}
}
