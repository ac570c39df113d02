package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// simulate draws rounds of entries: value = base[e] × round factor ×
// per-trial noise, all log-normal. slow maps a round (1-based) to a factor
// that hits every entry of that round.
func simulate(rng *rand.Rand, base map[string]float64, rounds int, roundSD, noiseSD float64, slow map[int]float64) map[string][]Obs {
	names := make([]string, 0, len(base))
	for n := range base {
		names = append(names, n)
	}
	slices.Sort(names) // map order must not feed the generator
	s := map[string][]Obs{}
	for r := 1; r <= rounds; r++ {
		f := math.Exp(rng.NormFloat64() * roundSD)
		if k, ok := slow[r]; ok {
			f *= k
		}
		for _, n := range names {
			s[n] = append(s[n], Obs{Round: r, Value: base[n] * f * math.Exp(rng.NormFloat64()*noiseSD)})
		}
	}
	return s
}

func equalBases(n int, v float64) map[string]float64 {
	m := map[string]float64{}
	for i := range n {
		m[fmt.Sprintf("e%02d", i)] = v
	}
	return m
}

func winners(r Ranking) int {
	n := 0
	for _, p := range r.Pairs {
		if p.Winner != "" {
			n++
		}
	}
	return n
}

func TestStudentTwoSided(t *testing.T) {
	for _, x := range []float64{0, 0.3, 1, 2.5, 7, 40} {
		// Closed forms: df 1 is Cauchy, df 2 has an algebraic CDF.
		if got, want := studentTwoSided(x, 1), 1-2/math.Pi*math.Atan(x); math.Abs(got-want) > 1e-12 {
			t.Errorf("df 1, t %v: p = %v, want %v", x, got, want)
		}
		if got, want := studentTwoSided(x, 2), 1-x/math.Sqrt(2+x*x); math.Abs(got-want) > 1e-12 {
			t.Errorf("df 2, t %v: p = %v, want %v", x, got, want)
		}
		// Large df: the normal distribution.
		if got, want := studentTwoSided(x, 1e7), math.Erfc(x/math.Sqrt2); math.Abs(got-want) > 1e-6 {
			t.Errorf("df 1e7, t %v: p = %v, want %v", x, got, want)
		}
	}
	if p := studentTwoSided(-2.5, 2); math.Abs(p-studentTwoSided(2.5, 2)) > 1e-15 {
		t.Errorf("not symmetric: %v", p)
	}
}

func TestHolm(t *testing.T) {
	ps := []float64{0.01, 0.04, 0.03, 0.005}
	// Ascending: 0.005×4, 0.01×3, 0.03×2, 0.04×1, then made non-decreasing.
	want := []float64{3 * 0.01, 2 * 0.03, 2 * 0.03, 4 * 0.005}
	got := holm(ps)
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-15 {
			t.Fatalf("holm(%v) = %v, want %v", ps, got, want)
		}
	}
	if got := holm([]float64{0.9, 0.8}); got[0] != 1 || got[1] != 1 {
		t.Errorf("capped at 1: %v", got)
	}
}

func TestCommonSlowRoundCreatesNoWinner(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const slowdown = 0.7 // one round 30% slower for every entry
	s := simulate(rng, equalBases(12, 1000), 5, 0, 0.02, map[int]float64{3: slowdown})
	r := Rank(s, true, Options{})
	if n := winners(r); n != 0 || len(r.Tiers) != 1 {
		t.Fatalf("%d winners, tiers %v; want none, one tier", n, r.Tiers)
	}
}

func TestSlowRoundDoesNotHideDifference(t *testing.T) {
	// a is 20% faster than b in every round; one round is 30% slower for
	// both. Pairing by round sees through it; pooling the trials would not.
	rng := rand.New(rand.NewPCG(3, 4))
	s := simulate(rng, map[string]float64{"a": 1200, "b": 1000}, 5, 0, 0.02, map[int]float64{2: 0.7})
	r := Rank(s, true, Options{})
	if !r.Beats("a", "b") || r.Pairs[0].N != 5 {
		t.Fatalf("pairs %+v: want a beats b, paired over 5 rounds", r.Pairs)
	}
	pooled := stripRounds(s)
	if Rank(pooled, true, Options{}).Beats("a", "b") {
		t.Logf("Welch on pooled trials also separated them (seed-dependent)")
	}
}

func stripRounds(s map[string][]Obs) map[string][]Obs {
	out := map[string][]Obs{}
	for n, obs := range s {
		for _, o := range obs {
			out[n] = append(out[n], Obs{Value: o.Value})
		}
	}
	return out
}

func TestDetectsTwentyPercentAmongTwelve(t *testing.T) {
	// One entry 20% ahead of eleven others, 5% noise per trial and 10%
	// round-to-round drift; Holm over all 66 pairs. A per-pair paired
	// t-test has rounds-1 degrees of freedom, so it needs about a dozen
	// rounds to clear 0.05/66 reliably: with five rounds it separates about
	// one pair in five, with eight the leader stands alone in two runs of
	// five.
	const (
		rounds = 12
		sims   = 20
		power  = 0.9 // the share of simulations that must find the leader alone
	)
	found := 0
	for seed := range uint64(sims) {
		base := equalBases(12, 1000)
		base["e00"] = 1200
		r := Rank(simulate(rand.New(rand.NewPCG(seed, 6)), base, rounds, 0.1, 0.05, nil), true, Options{})
		if len(r.Pairs) != 66 {
			t.Fatalf("%d pairs, want 66", len(r.Pairs))
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
	if found < int(power*sims) {
		t.Errorf("the 20%% leader stood alone in %d of %d simulations, want at least %v of them", found, sims, power)
	}
}

// limit is the most times an event of probability alpha may occur in n
// independent tries before a test says it occurs too often: mean + 3 sd.
func limit(alpha float64, n int) int {
	m := alpha * float64(n)
	return int(m + 3*math.Sqrt(m*(1-alpha)))
}

func TestIdenticalEntriesFamilyWise(t *testing.T) {
	const sims = 200
	bad, split := 0, 0 // simulations with a significant pair, with more than one tier
	for seed := range uint64(sims) {
		s := simulate(rand.New(rand.NewPCG(seed, 7)), equalBases(12, 1000), 5, 0.1, 0.05, nil)
		r := Rank(s, true, Options{})
		for _, p := range r.Pairs {
			if p.PAdj < r.Alpha {
				bad++
				break
			}
		}
		if len(r.Tiers) > 1 {
			split++
		}
	}
	if max := limit(DefaultAlpha, sims); bad > max {
		t.Errorf("%d of %d simulations had a significant pair; family-wise alpha allows %d", bad, sims, max)
	}
	if split > bad {
		t.Errorf("%d simulations split into tiers, only %d had a significant pair", split, bad)
	}
	t.Logf("%d of %d simulations of identical entries had a significant pair, %d were split into tiers", bad, sims, split)
}

func TestPairedTestIsCalibrated(t *testing.T) {
	// One pair, no correction: under H0 the raw p falls below alpha in
	// about alpha of the simulations, neither much more nor much less.
	const sims = 2000
	hits := 0
	for seed := range uint64(sims) {
		s := simulate(rand.New(rand.NewPCG(seed, 8)), equalBases(2, 1000), 5, 0.1, 0.05, nil)
		if Rank(s, true, Options{}).Pairs[0].P < DefaultAlpha {
			hits++
		}
	}
	lo := 2*int(DefaultAlpha*sims) - limit(DefaultAlpha, sims)
	if hi := limit(DefaultAlpha, sims); hits > hi || hits < lo {
		t.Errorf("%d of %d null pairs at p < %v, want %d..%d", hits, sims, DefaultAlpha, lo, hi)
	}
}

func TestMarginIsRequired(t *testing.T) {
	// 2% apart with almost no noise: significant, but below the 5% margin.
	s := simulate(rand.New(rand.NewPCG(9, 9)), map[string]float64{"a": 1020, "b": 1000}, 6, 0.1, 0.001, nil)
	r := Rank(s, true, Options{})
	p := r.Pairs[0]
	if p.PAdj >= r.Alpha || p.Winner != "" || len(r.Tiers) != 1 {
		t.Fatalf("pair %+v tiers %v: want significant, no winner, one tier", p, r.Tiers)
	}
	if r2 := Rank(s, true, Options{Margin: -1}); !r2.Beats("a", "b") || r2.Margin != 0 {
		t.Errorf("with no margin a should beat b: %+v", r2.Pairs)
	}
}

func TestLowerIsBetter(t *testing.T) {
	s := simulate(rand.New(rand.NewPCG(10, 1)), map[string]float64{"fast": 10, "slow": 13}, 5, 0.1, 0.02, nil)
	r := Rank(s, false, Options{})
	if !r.Beats("fast", "slow") || r.Beats("slow", "fast") || !reflect.DeepEqual(r.Leading(), []string{"fast"}) {
		t.Fatalf("lower is better: pairs %+v tiers %v", r.Pairs, r.Tiers)
	}
	if p := r.Pairs[0]; p.A != "fast" || p.Ratio >= 1 {
		t.Errorf("pair %+v: want A = fast (better median), ratio < 1", p)
	}
}

func TestWelchFallback(t *testing.T) {
	s := stripRounds(simulate(rand.New(rand.NewPCG(11, 1)), map[string]float64{"a": 1500, "b": 1000}, 6, 0, 0.03, nil))
	r := Rank(s, true, Options{})
	if p := r.Pairs[0]; p.N != 0 || !r.Beats("a", "b") {
		t.Fatalf("pair %+v: want unpaired and a beats b", p)
	}
	one := Rank(map[string][]Obs{"a": {{Value: 5}}, "b": {{Value: 1}, {Value: 1.1}}}, true, Options{})
	if p := one.Pairs[0]; p.P != 1 || p.Winner != "" {
		t.Errorf("one value a side: %+v, want p 1", p)
	}
}

func TestNonPositiveValuesSkipped(t *testing.T) {
	r := Rank(map[string][]Obs{
		"a":    {{1, 4}, {2, 0}, {3, 6}},
		"b":    {{1, 2}, {2, 3}, {3, -1}},
		"none": {{1, 0}, {2, -5}},
	}, true, Options{})
	if _, ok := r.Medians["none"]; ok || len(r.Pairs) != 1 {
		t.Fatalf("medians %v pairs %+v: want none unranked", r.Medians, r.Pairs)
	}
	if m := r.Medians["a"]; m != Median([]float64{4, 6}) {
		t.Errorf("median a = %v", m)
	}
	// Shared rounds with positive values on both sides: only round 1.
	if p := r.Pairs[0]; p.N != 0 {
		t.Errorf("pair %+v: one shared round cannot be paired", p)
	}
}

// checkLayers asserts the invariants proved in the package documentation.
func checkLayers(t *testing.T, r Ranking) {
	t.Helper()
	tier := TierOf(r.Tiers)
	if len(tier) != len(r.Medians) {
		t.Fatalf("tiers %v do not hold every ranked entry %v", r.Tiers, r.Medians)
	}
	for i, tr := range r.Tiers {
		if tr.Rank != i+1 || len(tr.Names) == 0 {
			t.Fatalf("tier %d: %+v", i+1, tr)
		}
		for k := 1; k < len(tr.Names); k++ {
			a, b := r.Medians[tr.Names[k-1]], r.Medians[tr.Names[k]]
			if (r.HigherIsBetter && a < b) || (!r.HigherIsBetter && a > b) {
				t.Errorf("tier %d not best median first: %v", tr.Rank, tr.Names)
			}
		}
		for _, x := range tr.Names {
			for _, y := range tr.Names {
				if r.Beats(x, y) {
					t.Errorf("%s beats %s within tier %d", x, y, tr.Rank)
				}
			}
			if i == 0 {
				continue
			}
			if !slices.ContainsFunc(r.Tiers[i-1].Names, func(y string) bool { return r.Beats(y, x) }) {
				t.Errorf("%s in tier %d is beaten by no entry of tier %d", x, tr.Rank, i)
			}
		}
	}
	for _, p := range r.Pairs {
		if p.Winner == "" {
			continue
		}
		loser := p.A
		if p.Winner == p.A {
			loser = p.B
		}
		if tier[p.Winner] >= tier[loser] {
			t.Errorf("%s beats %s but is not in a better tier", p.Winner, loser)
		}
	}
}

func TestLayeringInvariants(t *testing.T) {
	for seed := range uint64(50) {
		rng := rand.New(rand.NewPCG(seed, 12))
		base := map[string]float64{}
		for i := range 12 {
			base[fmt.Sprintf("e%02d", i)] = 1000 * math.Exp(rng.NormFloat64()*0.2)
		}
		s := simulate(rng, base, 8, 0.1, 0.04, nil)
		checkLayers(t, Rank(s, seed%2 == 0, Options{}))
	}
}

func TestLayerChain(t *testing.T) {
	// a beats b, b beats c, a and c not separated: three tiers, because
	// c is beaten by b, which is not in tier 1.
	beats := map[beatsKey]bool{{"a", "b"}: true, {"b", "c"}: true}
	got, cyc := layer([]string{"a", "c", "b"}, beats)
	want := []Tier{{1, []string{"a"}}, {2, []string{"b"}}, {3, []string{"c"}}}
	if !reflect.DeepEqual(got, want) || cyc != 0 {
		t.Fatalf("layer = %v (cycle %d), want %v", got, cyc, want)
	}
	cycle := map[beatsKey]bool{{"x", "a"}: true, {"a", "b"}: true, {"b", "c"}: true, {"c", "a"}: true}
	got, cyc = layer([]string{"x", "a", "b", "c"}, cycle)
	want = []Tier{{1, []string{"x"}}, {2, []string{"a", "b", "c"}}}
	if !reflect.DeepEqual(got, want) || cyc != 3 {
		t.Fatalf("cycle: layer = %v (cycle %d), want %v", got, cyc, want)
	}
}

func TestContradictions(t *testing.T) {
	mk := func(tiers ...[]string) Ranking {
		r := Ranking{}
		for i, n := range tiers {
			r.Tiers = append(r.Tiers, Tier{Rank: i + 1, Names: n})
		}
		return r
	}
	a := mk([]string{"x"}, []string{"y", "z"}, []string{"w"})
	for _, c := range []struct {
		b    Ranking
		want int
	}{
		{a, 0},
		{mk([]string{"x", "y", "z", "w"}), 0}, // b separates nothing
		{mk([]string{"y"}, []string{"x"}, []string{"w"}), 1},                // x/y swapped; z unranked
		{mk([]string{"w"}, []string{"z"}, []string{"y"}, []string{"x"}), 5}, // all but y/z
		{mk([]string{"z"}, []string{"y"}), 0},                               // y, z share a tier in a
	} {
		if got := Contradictions(a, c.b); got != c.want {
			t.Errorf("Contradictions(a, %v) = %d, want %d", c.b.Tiers, got, c.want)
		}
		if got := Contradictions(c.b, a); got != c.want {
			t.Errorf("not symmetric for %v: %d", c.b.Tiers, got)
		}
	}
}

func TestBeatsAndLeading(t *testing.T) {
	r := Ranking{
		Tiers: []Tier{{1, []string{"a", "b"}}, {2, []string{"c"}}},
		Pairs: []Pair{{A: "a", B: "b"}, {A: "a", B: "c", Winner: "a"}, {A: "b", B: "c", Winner: "b"}},
	}
	for _, c := range []struct {
		x, y string
		want bool
	}{{"a", "c", true}, {"c", "a", false}, {"b", "c", true}, {"a", "b", false}, {"b", "a", false}, {"a", "zz", false}} {
		if got := r.Beats(c.x, c.y); got != c.want {
			t.Errorf("Beats(%s, %s) = %v", c.x, c.y, got)
		}
	}
	lead := r.Leading()
	if !reflect.DeepEqual(lead, []string{"a", "b"}) {
		t.Fatalf("Leading = %v", lead)
	}
	lead[0] = "changed"
	if r.Tiers[0].Names[0] != "a" {
		t.Error("Leading shares the tier's slice")
	}
	if (Ranking{}).Leading() != nil {
		t.Error("empty ranking leads with something")
	}
}

func TestMethodStatesTheTest(t *testing.T) {
	r := Rank(simulate(rand.New(rand.NewPCG(13, 1)), equalBases(4, 10), 4, 0.1, 0.05, nil), true, Options{})
	want := fmt.Sprintf("paired t-test on log ratios over rounds, Holm over %d pairs at alpha %g; a winner leads by at least %g%%",
		len(r.Pairs), DefaultAlpha, 100*DefaultMargin)
	if r.Method != want {
		t.Errorf("Method = %q, want %q", r.Method, want)
	}
	one := Rank(map[string][]Obs{"a": {{1, 1}}}, true, Options{})
	if len(one.Pairs) != 0 || !reflect.DeepEqual(one.Leading(), []string{"a"}) || !strings.Contains(one.Method, "nothing to test") {
		t.Errorf("one entry: %+v", one)
	}
}

func TestBeyondNeedsEvidenceOfTheMargin(t *testing.T) {
	// 15% apart with almost no noise: the ordinary test calls it a win by
	// at least 5%, the minimum-effect test of a 25% margin never does.
	near := simulate(rand.New(rand.NewPCG(21, 1)), map[string]float64{"a": 1150, "b": 1000}, 5, 0.1, 0.001, nil)
	if r := Rank(near, true, Options{}); !r.Beats("a", "b") {
		t.Fatalf("ordinary test at 5%%: a should beat b: %+v", r.Pairs)
	}
	if r := Rank(near, true, Options{Margin: 0.25, Beyond: true}); r.Beats("a", "b") || r.Beats("b", "a") || len(r.Tiers) != 1 {
		t.Errorf("15%% apart is within a 25%% margin: pairs %+v tiers %v", r.Pairs, r.Tiers)
	}
	// 40% apart with little noise: shown to exceed 25%.
	far := simulate(rand.New(rand.NewPCG(21, 2)), map[string]float64{"a": 1400, "b": 1000}, 5, 0.1, 0.01, nil)
	r := Rank(far, true, Options{Margin: 0.25, Beyond: true})
	if !r.Beats("a", "b") || !strings.Contains(r.Method, "more than 25%") {
		t.Errorf("40%% apart, 1%% noise: a should beat b by more than 25%%: %+v (%s)", r.Pairs, r.Method)
	}
	// 40% apart but with noise as large as the lead: not shown.
	noisy := simulate(rand.New(rand.NewPCG(21, 3)), map[string]float64{"a": 1400, "b": 1000}, 5, 0.1, 0.4, nil)
	if r := Rank(noisy, true, Options{Margin: 0.25, Beyond: true}); r.Beats("a", "b") {
		t.Errorf("40%% apart in 40%% noise over 5 rounds is no evidence of a lead past 25%%: %+v", r.Pairs)
	}
}

func TestPBeyond(t *testing.T) {
	lead := math.Log1p(0.25)
	for _, c := range []struct {
		name   string
		t      tTest
		lo, hi float64
	}{
		{"excess of 3 standard errors", tTest{logDiff: lead + 0.3, se: 0.1, df: 40, p: 0}, 0, 0.005},
		{"lower is better alike", tTest{logDiff: -(lead + 0.3), se: 0.1, df: 40, p: 0}, 0, 0.005},
		{"exactly the margin", tTest{logDiff: lead, se: 0.1, df: 40, p: 0}, 0.5, 0.5},
		{"inside the margin", tTest{logDiff: lead - 0.15, se: 0.03, df: 40, p: 0}, 0.995, 1},
		{"exact, past the margin", tTest{logDiff: lead + 0.01, p: 0}, 0, 0},
		{"exact, inside the margin", tTest{logDiff: lead - 0.01, p: 0}, 1, 1},
		{"no test (one round)", tTest{logDiff: 2, p: 1}, 1, 1},
	} {
		if got := c.t.pBeyond(lead); got < c.lo || got > c.hi {
			t.Errorf("%s: pBeyond = %g, want in [%g, %g]", c.name, got, c.lo, c.hi)
		}
	}
}
