package stats

// Contradictions counts pairs present in both rankings that are in
// different tiers in both, in opposite order: x above y in one ranking and
// y above x in the other. A pair that shares a tier in either ranking is
// not a contradiction (one run could not separate it); an entry ranked in
// only one of them takes part in no pair.
func Contradictions(a, b Ranking) int {
	ta, tb := TierOf(a.Tiers), TierOf(b.Tiers)
	var names []string
	for _, t := range a.Tiers {
		for _, n := range t.Names {
			if _, ok := tb[n]; ok {
				names = append(names, n)
			}
		}
	}
	n := 0
	for i, x := range names {
		for _, y := range names[i+1:] {
			da, db := ta[x]-ta[y], tb[x]-tb[y]
			if da != 0 && db != 0 && (da < 0) != (db < 0) {
				n++
			}
		}
	}
	return n
}
