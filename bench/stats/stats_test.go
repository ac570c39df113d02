package stats

import (
	"math"
	"reflect"
	"testing"
)

func TestTiersSeparatesClearDifferences(t *testing.T) {
	got := Tiers(map[string][]float64{
		"fast":  {100, 101, 102, 99, 100},
		"fast2": {101, 99, 100, 102, 98},
		"slow":  {80, 81, 79, 80, 82},
		"none":  nil,
	}, true)
	want := []Tier{{1, []string{"fast", "fast2"}}, {2, []string{"slow"}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Tiers = %+v, want %+v", got, want)
	}
}

func TestTiersLowerIsBetter(t *testing.T) {
	got := Tiers(map[string][]float64{"a": {5, 5.1, 5.2, 4.9}, "b": {9, 9.1, 9.2, 8.9}}, false)
	if len(got) != 2 || got[0].Names[0] != "a" || got[1].Names[0] != "b" {
		t.Fatalf("Tiers = %+v, want a then b", got)
	}
}

func TestTiersThreeTrialsNeverSeparate(t *testing.T) {
	// With three trials a side the U test cannot reach p < 0.05, however
	// far apart the samples: one tier, said honestly.
	got := Tiers(map[string][]float64{"a": {100, 100, 100}, "b": {1, 2, 3}}, true)
	if len(got) != 1 || len(got[0].Names) != 2 {
		t.Fatalf("Tiers = %+v, want one shared tier", got)
	}
}

func TestCompare(t *testing.T) {
	if p := Compare([]float64{1, 2, 3, 4, 5}, []float64{10, 11, 12, 13, 14}); p >= Alpha {
		t.Errorf("disjoint samples: p = %v, want < %v", p, Alpha)
	}
	if p := Compare([]float64{1, 2, 3, 4}, []float64{1, 2, 3, 4}); p < 0.5 {
		t.Errorf("equal samples: p = %v, want large", p)
	}
	if p := Compare(nil, []float64{1}); p != 1 {
		t.Errorf("empty side: p = %v, want 1", p)
	}
}

func TestKendallTau(t *testing.T) {
	a := map[string]float64{"x": 3, "y": 2, "z": 1}
	if tau := KendallTau(a, a); tau != 1 {
		t.Errorf("same order: tau = %v, want 1", tau)
	}
	rev := map[string]float64{"x": 1, "y": 2, "z": 3}
	if tau := KendallTau(a, rev); tau != -1 {
		t.Errorf("reversed: tau = %v, want -1", tau)
	}
	one := map[string]float64{"x": 3, "y": 1, "z": 2} // one pair swapped of three
	if tau := KendallTau(a, one); math.Abs(tau-1.0/3) > 1e-9 {
		t.Errorf("one swap: tau = %v, want 1/3", tau)
	}
	if tau := KendallTau(a, map[string]float64{"x": 1}); !math.IsNaN(tau) {
		t.Errorf("one shared item: tau = %v, want NaN", tau)
	}
}

func TestMedian(t *testing.T) {
	if m := Median([]float64{3, 1, 2}); m != 2 {
		t.Errorf("odd: %v", m)
	}
	if m := Median([]float64{4, 1, 2, 3}); m != 2.5 {
		t.Errorf("even: %v", m)
	}
}
