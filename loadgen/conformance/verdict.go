// Package conformance is a protocol conformance client: it drives a server's
// /echo endpoint with hand-built RFC 6455 frames (framing, pings and pongs,
// reserved bits, opcodes, fragmentation, UTF-8, close handling, limits and
// auto-fragmentation, the categories of the Autobahn TestSuite's cases 1-7,
// 9 and 10) and grades what the server did with Autobahn's verdict scheme.
// The cases are written here; verdicts come from observed behaviour only.
package conformance

import "sort"

// Verdict grades one case, as the Autobahn TestSuite does.
type Verdict string

const (
	// OK: the server did what the RFC requires.
	OK Verdict = "OK"
	// NonStrict: allowed but not strict, e.g. failing an invalid UTF-8
	// message only once it is complete rather than at the first bad byte.
	NonStrict Verdict = "NON-STRICT"
	// Failed: the server broke a MUST of the RFC or hung.
	Failed Verdict = "FAILED"
	// Informational: no pass or fail, the detail records what happened.
	Informational Verdict = "INFORMATIONAL"
	// Unimplemented: the case could not be run against this server.
	Unimplemented Verdict = "UNIMPLEMENTED"
)

// Verdicts lists every verdict in report order.
var Verdicts = []Verdict{OK, NonStrict, Failed, Informational, Unimplemented}

// Result is one case run against one server.
type Result struct {
	ID       string   `json:"id"`
	Category string   `json:"category"`
	Verdict  Verdict  `json:"verdict"`
	Detail   string   `json:"detail"`
	Title    string   `json:"title"`
	Expect   string   `json:"expect"`             // what the RFC requires
	Sent     []string `json:"sent,omitempty"`     // what the client wrote, in order
	Observed []string `json:"observed,omitempty"` // what the server did, in order
	Millis   float64  `json:"ms"`
}

// Counts is the number of results per verdict.
type Counts map[Verdict]int

// Count tallies results by verdict.
func Count(rs []Result) Counts {
	c := Counts{}
	for _, r := range rs {
		c[r.Verdict]++
	}
	return c
}

// CountBy tallies results by key (a category) and verdict.
func CountBy(rs []Result, key func(Result) string) map[string]Counts {
	out := map[string]Counts{}
	for _, r := range rs {
		k := key(r)
		if out[k] == nil {
			out[k] = Counts{}
		}
		out[k][r.Verdict]++
	}
	return out
}

// SortResults orders results by case ID in natural order (1.2.10 after 1.2.9).
func SortResults(rs []Result) {
	sort.SliceStable(rs, func(i, j int) bool { return LessID(rs[i].ID, rs[j].ID) })
}
