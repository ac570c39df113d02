package stats

import "sort"

// holm returns the Holm-Bonferroni adjusted p-values of ps, in the same
// order: sorted ascending, the i-th smallest (from 0) is multiplied by
// m-i, capped at 1, and made non-decreasing along that order. A hypothesis
// is rejected at family-wise level alpha exactly when its adjusted p-value
// is below alpha, which is Holm's step-down procedure.
func holm(ps []float64) []float64 {
	m := len(ps)
	idx := make([]int, m)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return ps[idx[i]] < ps[idx[j]] })
	adj := make([]float64, m)
	run := 0.0
	for k, i := range idx {
		v := min(1, float64(m-k)*ps[i])
		run = max(run, v)
		adj[i] = run
	}
	return adj
}
