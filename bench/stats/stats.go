// Package stats says how sure a comparison is: libraries ranked in tiers by
// a rank test over their trials, and the agreement between two rankings.
//
// A tier groups libraries that the trials cannot separate. The test is the
// Mann-Whitney U test that benchstat uses (golang.org/x/perf/benchmath,
// "assume nothing"): no assumption about the shape of the trial-to-trial
// noise, exact for small samples. With n trials a side the smallest p-value
// it can give is 2/C(2n,n): 0.1 for 3 trials, 0.029 for 4, 0.008 for 5, so
// a difference can only be resolved at Alpha with 4 or more trials a cell.
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
