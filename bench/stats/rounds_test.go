package stats

import (
	"math"
	"testing"
)

func TestRoundAdjustedRemovesRoundEffects(t *testing.T) {
	// Every entry is a fixed multiple of its round's level: adjusted, each
	// entry is constant, and entries keep their ratio.
	level := []float64{100, 70, 130, 95}
	mult := map[string]float64{"a": 1, "b": 2, "c": 4}
	s := map[string][]Obs{}
	for r, l := range level {
		for n, m := range mult {
			s[n] = append(s[n], Obs{Round: r + 1, Value: l * m})
		}
	}
	adj := RoundAdjusted(s)
	gm := math.Cbrt(1 * 2 * 4)
	for n, m := range mult {
		if len(adj[n]) != len(level) {
			t.Fatalf("%s: %v", n, adj[n])
		}
		for _, v := range adj[n] {
			if math.Abs(v-m/gm) > 1e-12 {
				t.Errorf("%s: adjusted %v, want %v", n, v, m/gm)
			}
		}
		if sp := Spread(adj[n]); sp > 1e-12 {
			t.Errorf("%s: spread %v after adjusting, want 0", n, sp)
		}
		if raw := Spread(values(s[n])); raw < 0.5 {
			t.Errorf("%s: raw spread %v, the test data lost its round effects", n, raw)
		}
	}
}

func values(obs []Obs) []float64 {
	var v []float64
	for _, o := range obs {
		v = append(v, o.Value)
	}
	return v
}

func TestRoundAdjustedFallback(t *testing.T) {
	s := map[string][]Obs{
		// Rounds 1 and 2 are shared; round 3 only a has; a's last value
		// has no round.
		"a":    {{1, 200}, {2, 100}, {3, 400}, {0, 800}},
		"b":    {{1, 50}, {2, 25}},
		"none": {{1, 0}},
	}
	adj := RoundAdjusted(s)
	if _, ok := adj["none"]; ok {
		t.Errorf("entry with no positive value kept: %v", adj)
	}
	// a/b = 4 in rounds 1 and 2: round-adjusted a = sqrt(4) = 2.
	want0 := math.Sqrt(200.0 / 50)
	own := math.Pow(200*100*400*800, 0.25)
	want := []float64{want0, want0, 400 / own * want0, 800 / own * want0}
	if len(adj["a"]) != len(want) {
		t.Fatalf("a: %v, want %v", adj["a"], want)
	}
	for i := range want {
		if math.Abs(adj["a"][i]-want[i]) > 1e-12 {
			t.Fatalf("a: %v, want %v", adj["a"], want)
		}
	}
	alone := RoundAdjusted(map[string][]Obs{"x": {{1, 2}, {2, 8}}})
	if got := alone["x"]; math.Abs(got[0]-0.5) > 1e-12 || math.Abs(got[1]-2) > 1e-12 {
		t.Errorf("single entry: %v, want value / geometric mean of its values", got)
	}
}

func TestSpread(t *testing.T) {
	if s := Spread([]float64{90, 100, 120}); math.Abs(s-0.3) > 1e-12 {
		t.Errorf("Spread = %v, want (120-90)/100", s)
	}
	if !math.IsNaN(Spread(nil)) || !math.IsNaN(Spread([]float64{-1, 0, 1})) {
		t.Error("Spread of nothing or a zero median should be NaN")
	}
}
