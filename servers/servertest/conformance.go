package servertest

import (
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/wsbench/wsbench/loadgen/conformance"
	"github.com/wsbench/wsbench/servers/server"
)

// The RFC 6455 conformance cases of loadgen/conformance (those of `make
// conformance`), run in-process against a library's server started with
// the short form's message limit. Each case must end OK, or with one of
// the verdicts the Autobahn TestSuite also counts as passed (NON-STRICT,
// INFORMATIONAL); a FAILED case passes only when it depends on a
// behaviour (Case.Behaviour) that the library's registry entry declares
// a deviation from.
//
// By default only the first and the last case of each category, in case
// ID order, run, less those that depend on a declared deviation (they
// would only wait out their timeout), which keeps `make test` short; every
// case runs when the environment variable WSBENCH_CONFORMANCE is "all":
//
//	WSBENCH_CONFORMANCE=all go test ./servers/registry -run 'TestConformance/gorilla/Conformance'
//
// One case of one library: -run 'TestConformance/gorilla/Conformance/5.15$'.

// ConformanceEnv is the environment variable that selects every case.
const ConformanceEnv = "WSBENCH_CONFORMANCE"

// passed are the verdicts that pass without a declared deviation.
var passed = []conformance.Verdict{conformance.OK, conformance.NonStrict, conformance.Informational}

// conformanceCases returns the cases to run: every case when all is set,
// else the first and the last of each category.
func conformanceCases(all bool) []conformance.Case {
	cases := conformance.Cases()
	if all {
		return cases
	}
	first, last := map[string]int{}, map[string]int{}
	for i, c := range cases {
		if _, ok := first[c.Category]; !ok {
			first[c.Category] = i
		}
		last[c.Category] = i
	}
	var out []conformance.Case
	for i, c := range cases {
		if first[c.Category] == i || last[c.Category] == i {
			out = append(out, c)
		}
	}
	return out
}

// testConformance runs the cases against lib (proto ws) and checks each
// verdict against the library's declared deviations.
func testConformance(t *testing.T, lib server.Library) {
	env := server.NewEnv()
	env.MaxMessageSize = conformance.ShortMaxMessage
	r := StartEnv(t, lib, env)
	cfg := conformance.Short(env.MaxMessageSize)
	all := os.Getenv(ConformanceEnv) == "all"
	cases := conformanceCases(all)
	deviates := func(cs conformance.Case) bool {
		return cs.Behaviour != "" && lib.Deviates(server.Behaviour(cs.Behaviour))
	}
	// Run the cases first, cfg.Parallel at a time (each on its own
	// connection, each bounded by cfg.CaseTimeout), then judge each in its
	// own subtest.
	results := make([]conformance.Result, len(cases))
	sem := make(chan struct{}, max(cfg.Parallel, 1))
	var wg sync.WaitGroup
	for i, cs := range cases {
		if !all && deviates(cs) {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results[i] = conformance.RunCase(r.Addr, cs, cfg)
		}()
	}
	wg.Wait()
	for i, cs := range cases {
		res := results[i]
		t.Run(cs.ID, func(t *testing.T) {
			b := server.Behaviour(cs.Behaviour)
			if !all && deviates(cs) {
				t.Skipf("%s declares a deviation from %s, which this case depends on (run it with %s=all)", lib.Name, b, ConformanceEnv)
			}
			if slices.Contains(passed, res.Verdict) {
				return
			}
			if deviates(cs) {
				t.Logf("%s %s: %s, from the declared deviation %s (%s): %s", lib.Name, cs.ID, res.Verdict, b, lib.Deviations[b], res.Detail)
				return
			}
			t.Errorf("%s %s (%s): %s: %s\nsent: %q\nobserved: %q", lib.Name, cs.ID, cs.Title, res.Verdict, res.Detail, res.Sent, res.Observed)
		})
	}
}
