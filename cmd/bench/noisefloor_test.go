package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/wsbench/wsbench/bench/results"
)

func TestNoiseText(t *testing.T) {
	if got := noiseText(&results.Run{}); got != "" {
		t.Errorf("a run without a floor: %q", got)
	}
	r := &results.Run{
		NoiseFloor: map[string]float64{"echo-closed/msgs_per_sec": 0.07, "broadcast/latency_p50_us": 0.12},
		Cells:      []results.Cell{{Status: results.StatusNoisy}, {Status: results.StatusClientBound, Flags: []string{results.StatusClientBound, results.StatusNoisy}}, {Status: results.StatusOK}},
	}
	got := noiseText(r)
	for _, want := range []string{"broadcast/latency_p50_us 12.0%, echo-closed/msgs_per_sec 7.0%", fmt.Sprintf("noisy: 2 of %d cells", len(r.Cells))} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
}
