package analysis

import (
	"github.com/wsbench/wsbench/bench/record"
	"github.com/wsbench/wsbench/bench/stats"
)

// Quiet is how much other processes took of the measured CPUs during the
// run's trials (the load generator's foreign reading, bench/runner's
// disturbed-trial rule, record.Disturbance): the run's claim to a quiet machine, checkable.
type Quiet struct {
	// Trials is the trials with a reading (runs recorded before it
	// existed have none).
	Trials int `json:"trials"`
	// MedianCPU and MaxCPU are the foreign CPU of those trials, in CPUs.
	MedianCPU float64 `json:"median_cpu"`
	MaxCPU    float64 `json:"max_cpu"`
	// Rerun is the trials whose first attempt (or more) was discarded as
	// disturbed and run again.
	Rerun int `json:"rerun"`
	// Disturbed is the trials kept with a reading over the runner's
	// limit (still disturbed after the retries).
	Disturbed int `json:"disturbed"`
}

// quietOf reads every trial of run; nil when no trial has a reading.
func quietOf(run *record.Run) *Quiet {
	var q Quiet
	var vals []float64
	for _, c := range run.Cells {
		for _, t := range c.Trials {
			if record.Rerun(t) {
				q.Rerun++
			}
			if t.Result == nil || t.Result.Foreign == nil {
				continue
			}
			v := t.Result.Foreign.CPUUtil
			vals = append(vals, v)
			q.MaxCPU = max(q.MaxCPU, v)
			if v > record.DisturbedCPU {
				q.Disturbed++
			}
		}
	}
	if len(vals) == 0 {
		return nil
	}
	q.Trials = len(vals)
	q.MedianCPU = stats.Median(vals)
	return &q
}
