package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/wsbench/wsbench/bench/record"
)

func TestNoiseText(t *testing.T) {
	if got := noiseText(&record.Run{}); got != "" {
		t.Errorf("a run without a floor: %q", got)
	}
	r := &record.Run{
		NoiseFloor: map[string]float64{"echo-closed/msgs_per_sec": 0.07, "broadcast/latency_p50_us": 0.12},
		Cells:      []record.Cell{{Status: record.StatusNoisy}, {Status: record.StatusClientBound, Flags: []string{record.StatusClientBound, record.StatusNoisy}}, {Status: record.StatusOK}},
	}
	got := noiseText(r)
	for _, want := range []string{"broadcast/latency_p50_us 12.0%, echo-closed/msgs_per_sec 7.0%", fmt.Sprintf("noisy: 2 of %d cells", len(r.Cells))} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
}
