package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/wsbench/wsbench/bench/record"
)

// noiseText is the line printed after a run: the noise floor of each
// scenario metric and how many cells stood out from it.
func noiseText(r *record.Run) string {
	if len(r.NoiseFloor) == 0 {
		return ""
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(r.NoiseFloor)) {
		parts = append(parts, fmt.Sprintf("%s %.1f%%", k, r.NoiseFloor[k]*100))
	}
	noisy := 0
	for _, c := range r.Cells {
		if slices.Contains(c.Flags, record.StatusNoisy) || c.Status == record.StatusNoisy {
			noisy++
		}
	}
	return fmt.Sprintf("noise floor (median spread within rounds): %s; noisy: %d of %d cells (over %g× the floor)",
		strings.Join(parts, ", "), noisy, len(r.Cells), record.NoiseFactor)
}
