package analysis

import (
	"testing"

	"github.com/wsbench/wsbench/bench/record"
	"github.com/wsbench/wsbench/loadgen/result"
)

func TestQuietCountsReadingsAndReruns(t *testing.T) {
	trial := func(foreign float64, notes ...string) record.Trial {
		return record.Trial{Notes: notes, Result: &result.Result{Foreign: &result.Foreign{CPUs: []int{0, 1}, CPUUtil: foreign}}}
	}
	run := &record.Run{Cells: []record.Cell{
		{Trials: []record.Trial{trial(0.01), trial(0.02, record.RerunNote(1, "busy")), trial(0.4, record.RerunNote(1, "busy"), record.RerunNote(2, "busy"))}},
		{Trials: []record.Trial{trial(0.03), {Error: "server did not start"}}},
	}}
	q := quietOf(run)
	if q == nil {
		t.Fatal("no Quiet for a run with readings")
	}
	want := Quiet{Trials: 4, MedianCPU: 0.025, MaxCPU: 0.4, Rerun: 2, Disturbed: 1}
	if *q != want {
		t.Errorf("quiet %+v, want %+v", *q, want)
	}
	if quietOf(&record.Run{Cells: []record.Cell{{Trials: []record.Trial{{Result: &result.Result{}}}}}}) != nil {
		t.Error("a run recorded without readings must have no Quiet")
	}
}
