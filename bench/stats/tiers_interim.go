// Package stats says how sure a ranking is.
//
// This file is a stand-in written against the agreed signature of Tiers,
// so that the slides can group libraries before the real implementation
// lands; drop it when bench/stats arrives on main.
package stats

import (
	"math"
	"slices"
	"sort"
)

// Tier is a group of libraries the trials cannot separate; Rank 1 is the
// best.
type Tier struct {
	Rank  int
	Names []string
}

// Tiers ranks samples (trial values per library) by their medians, best
// first, and puts a library in the tier of the one before it when their
// min–max ranges overlap. Libraries without samples are left out.
func Tiers(samples map[string][]float64, higherIsBetter bool) []Tier {
	type lib struct {
		name        string
		med, lo, hi float64
	}
	var libs []lib
	for name, s := range samples {
		if len(s) == 0 {
			continue
		}
		c := slices.Clone(s)
		sort.Float64s(c)
		med := c[len(c)/2]
		if len(c)%2 == 0 {
			med = (c[len(c)/2-1] + c[len(c)/2]) / 2
		}
		libs = append(libs, lib{name, med, c[0], c[len(c)-1]})
	}
	sort.Slice(libs, func(i, j int) bool {
		if libs[i].med != libs[j].med {
			return (libs[i].med > libs[j].med) == higherIsBetter
		}
		return libs[i].name < libs[j].name
	})
	var tiers []Tier
	lo, hi := math.Inf(1), math.Inf(-1) // range of the current tier
	for i, l := range libs {
		if i == 0 || l.hi < lo || l.lo > hi {
			tiers = append(tiers, Tier{Rank: len(tiers) + 1})
			lo, hi = l.lo, l.hi
		} else {
			lo, hi = math.Min(lo, l.lo), math.Max(hi, l.hi)
		}
		tiers[len(tiers)-1].Names = append(tiers[len(tiers)-1].Names, l.name)
	}
	return tiers
}
