package analysis

import "github.com/wsbench/wsbench/bench/record"

// MinSamplesP99 is the fewest samples a p99 is computed from in one trial
// before it is called what it is: with fewer, the 99th percentile of n
// samples is (nearly) their maximum.
const MinSamplesP99 = 200

// Validity is the one rule that says whether a cell's figure for a metric
// may be ranked, titled or picked, and why not.
type Validity struct {
	Valid bool
	// Why is empty for a valid point, else a few words: "failed: ...",
	// "client-bound", "client-limited: ...".
	Why string
}

// throughputMetrics are the figures a client-bound cell does not give:
// the server was not the bottleneck, so its throughput is a lower bound.
var throughputMetrics = map[string]bool{record.MsgsPerSec: true, record.MBPerSec: true}

// PointValidity applies the rule to cell c and metric key.
func PointValidity(c *record.Cell, key string) Validity {
	switch {
	case c == nil:
		return Validity{Why: "not measured"}
	case c.Status == record.StatusFailed:
		return Validity{Why: "failed: " + c.Reason}
	case c.Median == nil:
		return Validity{Why: "no trial counted"}
	}
	if _, ok := c.Median[key]; !ok {
		return Validity{Why: "no " + key}
	}
	if throughputMetrics[key] && hasFlag(c, record.StatusClientBound) {
		return Validity{Why: "client-bound (not the server's maximum)"}
	}
	if hasFlag(c, record.StatusClientLimited) {
		return Validity{Why: "client-limited (the load generator fell behind)"}
	}
	return Validity{Valid: true}
}

// CountedTrials is the number of c's trials that count (neither failed nor
// lost a message): the trials behind its median.
func CountedTrials(c *record.Cell) int {
	n := 0
	for _, t := range c.Trials {
		if record.TrialProblem(c.Scenario, t) == "" {
			n++
		}
	}
	return n
}

func hasFlag(c *record.Cell, flag string) bool {
	if c.Status == flag {
		return true
	}
	for _, f := range c.Flags {
		if f == flag {
			return true
		}
	}
	return false
}
