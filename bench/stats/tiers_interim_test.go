package stats

import (
	"reflect"
	"testing"
)

func TestTiersGroupOverlappingRangesBestFirst(t *testing.T) {
	s := map[string][]float64{
		"a": {100, 104, 98},
		"b": {101, 97, 99}, // overlaps a
		"c": {50, 52, 51},
		"d": {},
	}
	got := Tiers(s, true)
	want := []Tier{{1, []string{"a", "b"}}, {2, []string{"c"}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("higher is better: got %v, want %v", got, want)
	}
	got = Tiers(s, false)
	want = []Tier{{1, []string{"c"}}, {2, []string{"b", "a"}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("lower is better: got %v, want %v", got, want)
	}
}
