package stats

import "math"

// KendallTau returns Kendall's tau-b between two scorings of the same items
// (keys present in both maps; higher score = ranked higher): 1 when the two
// orders agree on every pair, -1 when they disagree on every pair, 0 when
// unrelated. Ties count as neither. It returns NaN when fewer than two
// items are shared or when either side ties every pair.
func KendallTau(a, b map[string]float64) float64 {
	var names []string
	for n := range a {
		if _, ok := b[n]; ok {
			names = append(names, n)
		}
	}
	if len(names) < 2 {
		return math.NaN()
	}
	var concordant, discordant, tiesA, tiesB float64
	for i := 0; i < len(names); i++ {
		for j := i + 1; j < len(names); j++ {
			da := sign(a[names[i]] - a[names[j]])
			db := sign(b[names[i]] - b[names[j]])
			switch {
			case da == 0 && db == 0:
			case da == 0:
				tiesA++
			case db == 0:
				tiesB++
			case da == db:
				concordant++
			default:
				discordant++
			}
		}
	}
	den := math.Sqrt((concordant + discordant + tiesA) * (concordant + discordant + tiesB))
	if den == 0 {
		return math.NaN()
	}
	return (concordant - discordant) / den
}

func sign(x float64) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}
