// Package stats says how sure a comparison is: entries ranked in tiers by
// pairwise tests over their trials, and the agreement between two rankings.
//
// # Rank: pairwise tests, paired by round
//
// Runs measure entries in rounds: in each round every entry of a column is
// measured once, back to back, in a random order. A slow minute of the
// machine then hits all entries of that round together, so Rank compares
// two entries on the rounds they share: when they share at least
// MinPairedRounds rounds, a paired t-test on log(A/B) over those rounds
// (two-sided, rounds-1 degrees of freedom), which a slowdown common to a
// round cancels out of; otherwise Welch's t-test on the logs of all their
// trials; with fewer than two values on a side, p = 1. Logs make the test
// one of ratios, the natural scale of "x% faster". Values that are not
// positive and finite have no log and are skipped.
//
// Every pair of entries is tested, and the p-values are corrected with
// Holm-Bonferroni over all pairs of the ranking, so that the chance of
// separating any two entries that do not differ is at most Alpha in all
// (family-wise). A beats B when the corrected p-value is below Alpha and
// A's geometric-mean value is better than B's by at least Margin (by
// default "beats at 95% family-wise confidence, by at least 5%"): a
// difference too small to matter is not a finding, however sure.
//
// With k entries there are k(k-1)/2 pairs (66 for 12), and Holm multiplies
// the smallest raw p-value by that count. A paired t-test over n rounds
// has n-1 degrees of freedom; separating a 20% difference under 5% trial
// noise among 12 entries takes about a dozen rounds (see the tests).
// Options.Pooled trades an assumption for power: it estimates the noise
// once from all entries (a randomized complete block analysis, entry +
// round + noise on a log scale), which separates the same difference in
// five rounds but assumes every entry is about as noisy as the others.
//
// # Tiers: layers of the beats relation
//
// Tier 1 is the set of entries that no other entry beats. Remove it; tier 2
// is the set of entries that no remaining entry beats; and so on. Names in
// a tier are listed best median first. Three properties follow, for any
// outcome of the tests (as long as no entries beat one another in a
// cycle, see below):
//
//  1. Within a tier no member beats another: a member of tier k is beaten
//     by no entry remaining at step k, and the whole tier remains then.
//  2. Every entry of tier k+1 is beaten by at least one entry of tier k: it
//     remained at step k but was not taken, so some entry remaining at step
//     k beats it; nothing remaining at step k+1 beats it, so that entry was
//     taken at step k, into tier k.
//  3. The tiers never contradict a test: if A beats B, A is in a better
//     tier than B. B in tier k is beaten by nothing remaining at step k,
//     so A had already been taken, into a tier before k.
//
// So "tier 1" reads "no entry is shown better than these", and an entry's
// tier is one more than the length of the longest chain of entries that
// beat one another above it. Tiers are not an equivalence of "no test
// separates them": two entries in different tiers need not be separated
// from each other (A beats B, B beats C, A and C not separated puts A, B
// and C in tiers 1, 2 and 3), and only "beats" (property 3) may be read
// from the order of two tiers.
//
// When all pairs are tested on the same rounds (or all by Welch), log
// ratios add up, so "A beats B beats C beats A" cannot happen and every
// step takes at least one entry. Pairs tested on different rounds could
// in principle form such a cycle; the entries left when no remaining entry
// is unbeaten then share one last tier, and Ranking.Method says so.
//
// # Compare and Tiers (deprecated)
//
// Compare is the Mann-Whitney U test that benchstat uses
// (golang.org/x/perf/benchmath, "assume nothing"): no assumption about the
// shape of the trial-to-trial noise, exact for small samples. With n
// trials a side the smallest p-value it can give is 2/C(2n,n): 0.1 for 3
// trials, 0.029 for 4, 0.008 for 5, so a difference can only be resolved
// at Alpha with 4 or more trials a cell, and never after a correction
// over many pairs. Tiers walks entries comparing each only with the first
// entry of the current tier; use Rank.
package stats

import (
	"math"
	"sort"

	"golang.org/x/perf/benchmath"
)

// Alpha is the significance level of every ranking: A ranks above B only
// when the U test rejects "same distribution" at p < Alpha.
const Alpha = 0.05

// MinTrials is the smallest number of trials a side for which the U test
// can reach Alpha at all.
const MinTrials = 4

// Tier is a group of libraries that the trials cannot separate; Rank 1 is
// the best. Names are in order of their medians, best first.
type Tier struct {
	Rank  int
	Names []string
}

// Compare runs the U test on two sets of trials and returns its p-value
// (1 when either side is empty).
func Compare(a, b []float64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 1
	}
	th := benchmath.DefaultThresholds
	th.CompareAlpha = Alpha
	sa := benchmath.NewSample(append([]float64(nil), a...), &th)
	sb := benchmath.NewSample(append([]float64(nil), b...), &th)
	return benchmath.AssumeNothing.Compare(sa, sb).P
}

// Median returns the median of xs (NaN when empty).
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// Tiers orders libraries by the median of their trials (best first) and
// groups them: walking down that order, a library opens a new tier when the
// U test separates it (p < Alpha) from the library that opened the current
// tier, and joins that tier otherwise. So the best of each tier is
// significantly better than every library in the tiers below it that was
// compared with it, and libraries sharing a tier are never ranked against
// each other. Libraries with no trials are left out.
//
// Deprecated: Tiers is not pairwise and not corrected for the number of
// comparisons: an entry is tested only against the head of its tier. Use
// Rank.
func Tiers(samples map[string][]float64, higherIsBetter bool) []Tier {
	type lib struct {
		name string
		med  float64
	}
	var libs []lib
	for name, xs := range samples {
		if len(xs) > 0 {
			libs = append(libs, lib{name, Median(xs)})
		}
	}
	sort.Slice(libs, func(i, j int) bool {
		if libs[i].med != libs[j].med {
			if higherIsBetter {
				return libs[i].med > libs[j].med
			}
			return libs[i].med < libs[j].med
		}
		return libs[i].name < libs[j].name
	})
	var tiers []Tier
	var head string
	for _, l := range libs {
		if len(tiers) == 0 || Compare(samples[head], samples[l.name]) < Alpha {
			tiers = append(tiers, Tier{Rank: len(tiers) + 1})
			head = l.name
		}
		t := &tiers[len(tiers)-1]
		t.Names = append(t.Names, l.name)
	}
	return tiers
}

// TierOf maps each name to its tier's rank.
func TierOf(tiers []Tier) map[string]int {
	m := map[string]int{}
	for _, t := range tiers {
		for _, n := range t.Names {
			m[n] = t.Rank
		}
	}
	return m
}
