package conformance_test

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/wsbench/wsbench/bench/conformance/matrix"
	"github.com/wsbench/wsbench/loadgen/conformance"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.txt from this run")

const goldenPath = "testdata/golden.txt"

// TestGolden runs the short form of both suites against every registered
// library and compares each (library, case) verdict with the committed
// golden file: a verdict that changes fails the test, naming the case.
// Regenerate after a deliberate change (a new library, an adapter that now
// validates more) with: go test ./loadgen/conformance -run TestGolden -update
func TestGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every library's server")
	}
	rep, err := matrix.Run(context.Background(), matrix.Options{Form: matrix.FormShort, Repo: "../.."})
	if err != nil {
		t.Fatal(err)
	}
	got := verdicts(rep)
	if *update {
		if err := writeGolden(got); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s: %d verdicts", goldenPath, len(got))
		return
	}
	want, err := readGolden()
	if err != nil {
		t.Fatalf("%v (create it with: go test ./loadgen/conformance -run TestGolden -update)", err)
	}
	for _, k := range keys(want) {
		g, ok := got[k]
		if _, id, _ := strings.Cut(k, " "); timingDependent[id] && ok {
			t.Logf("%s: %s (golden %s); its outcome depends on a race in the server, not compared", k, g, want[k])
			continue
		}
		switch {
		case !ok:
			t.Errorf("%s: in the golden file (%s) but not run; library or case removed? regenerate with -update", k, want[k])
		case g != want[k]:
			// A server race can flip a verdict now and then: run that
			// one case again before calling it a change.
			if again := rerun(t, rep, k); again == want[k] {
				t.Logf("%s: %s on the first run, %s on a second: timing-dependent", k, g, again)
				continue
			}
			t.Errorf("%s: verdict %s, golden %s: %s", k, g, want[k], detail(rep, k))
		}
	}
	for _, k := range keys(got) {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: new case or library (verdict %s) not in the golden file; regenerate with -update", k, got[k])
		}
	}
}

// timingDependent are the cases whose purpose is to expose a race inside
// a server: their verdict is reported in every run, but flips between runs
// of the same code, so a change of it is not a change of behaviour.
// session.6 sends polls back to back until sockjs-go answers one with
// c[2010] because it detaches a finished receiver asynchronously.
var timingDependent = map[string]bool{"session.6": true}

func verdicts(rep *conformance.Report) map[string]conformance.Verdict {
	out := map[string]conformance.Verdict{}
	for _, l := range rep.Libraries {
		for _, c := range l.Cases {
			out[l.Name+" "+c.ID] = c.Verdict
		}
	}
	return out
}

func detail(rep *conformance.Report, key string) string {
	lib, id, _ := strings.Cut(key, " ")
	for _, l := range rep.Libraries {
		for _, c := range l.Cases {
			if l.Name == lib && c.ID == id {
				return c.Title + ": " + c.Detail
			}
		}
	}
	return ""
}

// rerun runs one library's suite again and returns the case's verdict.
func rerun(t *testing.T, rep *conformance.Report, key string) conformance.Verdict {
	lib, _, _ := strings.Cut(key, " ")
	again, err := matrix.Run(context.Background(), matrix.Options{Form: matrix.FormShort, Libs: []string{lib}, Repo: "../.."})
	if err != nil {
		t.Fatal(err)
	}
	return verdicts(again)[key]
}

func keys(m map[string]conformance.Verdict) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		li, ci, _ := strings.Cut(out[i], " ")
		lj, cj, _ := strings.Cut(out[j], " ")
		if li != lj {
			return li < lj
		}
		return conformance.LessID(ci, cj)
	})
	return out
}

func writeGolden(v map[string]conformance.Verdict) error {
	var b strings.Builder
	b.WriteString("# Expected conformance verdict per library and case (short form).\n")
	b.WriteString("# Regenerate: go test ./loadgen/conformance -run TestGolden -update\n")
	for _, k := range keys(v) {
		fmt.Fprintf(&b, "%s %s\n", k, v[k])
	}
	if err := os.MkdirAll("testdata", 0o755); err != nil {
		return err
	}
	return os.WriteFile(goldenPath, []byte(b.String()), 0o644)
}

func readGolden() (map[string]conformance.Verdict, error) {
	f, err := os.Open(goldenPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]conformance.Verdict{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			return nil, fmt.Errorf("%s:%d: want \"library case verdict\", got %q", goldenPath, n, line)
		}
		out[f[0]+" "+f[1]] = conformance.Verdict(f[2])
	}
	return out, sc.Err()
}
