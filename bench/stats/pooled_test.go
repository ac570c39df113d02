package stats

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func TestPooledDetectsTwentyPercentInFiveRounds(t *testing.T) {
	// The case the per-pair test needs a dozen rounds for: one entry 20%
	// ahead of eleven, 5% trial noise, 10% round drift, Holm over 66 pairs.
	const (
		rounds = 5
		sims   = 20
		power  = 0.9 // the share of simulations that must find the leader alone
	)
	found := 0
	for seed := range uint64(sims) {
		base := equalBases(12, 1000)
		base["e00"] = 1200
		r := Rank(simulate(rand.New(rand.NewPCG(seed, 6)), base, rounds, 0.1, 0.05, nil), true, Options{Pooled: true})
		if p := r.Pairs[0]; p.N != rounds {
			t.Fatalf("pair %+v: want %d complete rounds", p, rounds)
		}
		if !strings.Contains(r.Method, "pooled") {
			t.Fatalf("Method %q does not say the noise is pooled", r.Method)
		}
		beatsAll := true
		for n := range base {
			if n != "e00" && !r.Beats("e00", n) {
				beatsAll = false
			}
		}
		if beatsAll && reflect.DeepEqual(r.Leading(), []string{"e00"}) {
			found++
		}
	}
	t.Logf("the leader stood alone in %d of %d simulations", found, sims)
	if found < int(power*sims) {
		t.Errorf("the 20%% leader stood alone in %d of %d simulations, want at least %v of them", found, sims, power)
	}
}

func TestPooledIdenticalEntriesFamilyWise(t *testing.T) {
	const sims = 200
	bad := 0
	for seed := range uint64(sims) {
		s := simulate(rand.New(rand.NewPCG(seed, 7)), equalBases(12, 1000), 5, 0.1, 0.05, map[int]float64{2: 0.7})
		r := Rank(s, true, Options{Pooled: true})
		for _, p := range r.Pairs {
			if p.PAdj < r.Alpha {
				bad++
				break
			}
		}
	}
	if max := limit(DefaultAlpha, sims); bad > max {
		t.Errorf("%d of %d simulations had a significant pair; family-wise alpha allows %d", bad, sims, max)
	}
}

func TestPooledFallsBackWithoutCompleteRounds(t *testing.T) {
	s := simulate(rand.New(rand.NewPCG(14, 1)), equalBases(3, 100), 5, 0.1, 0.05, nil)
	s["e00"] = s["e00"][:2] // e00 has two rounds only: two complete rounds
	r := Rank(s, true, Options{Pooled: true})
	if strings.Contains(r.Method, "pooled") {
		t.Errorf("Method %q: want the per-pair fallback", r.Method)
	}
	checkLayers(t, r)
}

func TestPooledLayeringInvariants(t *testing.T) {
	for seed := range uint64(30) {
		rng := rand.New(rand.NewPCG(seed, 15))
		base := equalBases(12, 1000)
		for n := range base {
			base[n] *= 1 + rng.Float64()
		}
		checkLayers(t, Rank(simulate(rng, base, 5, 0.1, 0.04, nil), seed%2 == 1, Options{Pooled: true}))
	}
}
