package record

import (
	"fmt"
	"strings"
)

// A trial is disturbed when other processes took more than DisturbedCPU
// of the server's and load generator's CPUs (in CPUs, over its measured
// interval), as the load generator reads them from /proc/stat
// (result.Foreign): a build, another benchmark, a browser. On the
// reference VM, quiet, the reading is 0.00-0.03 (its resolution is about
// 0.02 per CPU); a compiler on one of the two CPUs takes 0.5-1.
// bench/runner runs a disturbed trial again, a bounded number of times,
// and notes each discarded attempt (RerunNote).
const DisturbedCPU = 0.10

// Disturbance says why t was disturbed, "" when it was not (or there is
// no reading).
func Disturbance(t Trial) string {
	if t.Result == nil || t.Result.Foreign == nil || t.Result.Foreign.CPUUtil <= DisturbedCPU {
		return ""
	}
	return fmt.Sprintf("other processes took %.2f CPU of the trial's CPUs (over %.2f)", t.Result.Foreign.CPUUtil, DisturbedCPU)
}

// rerunPrefix starts every RerunNote.
const rerunPrefix = "discarded attempt "

// RerunNote is the note a trial keeps for an attempt of it that was
// discarded as disturbed and run again.
func RerunNote(attempt int, why string) string {
	return fmt.Sprintf("%s%d, run again: %s", rerunPrefix, attempt, why)
}

// Rerun reports whether t kept a RerunNote: an attempt of it was
// discarded.
func Rerun(t Trial) bool {
	for _, n := range t.Notes {
		if strings.HasPrefix(n, rerunPrefix) {
			return true
		}
	}
	return false
}
