package servertest

import (
	"testing"

	"github.com/wsbench/wsbench/loadgen/conformance"
	"github.com/wsbench/wsbench/servers/server"
)

// TestCaseBehaviours: every behaviour a conformance case names is one a
// registry entry can declare a deviation from, under the same name.
func TestCaseBehaviours(t *testing.T) {
	known := map[string]bool{}
	for _, b := range []server.Behaviour{server.EmptyMessageDelivered, server.UnmaskedFrameRejected, server.CloseFrameOnViolation} {
		known[string(b)] = true
	}
	n := 0
	for _, c := range conformance.Cases() {
		if c.Behaviour == "" {
			continue
		}
		n++
		if !known[c.Behaviour] {
			t.Errorf("case %s names behaviour %q, which servers/server does not define", c.ID, c.Behaviour)
		}
	}
	if n == 0 {
		t.Error("no case names a behaviour")
	}
}

// TestConformanceSubset: the default selection holds the first and the
// last case of every category, and nothing else; all selects every case.
func TestConformanceSubset(t *testing.T) {
	all := conformance.Cases()
	if got := conformanceCases(true); len(got) != len(all) {
		t.Fatalf("all: %d cases, want %d", len(got), len(all))
	}
	sub := conformanceCases(false)
	per := map[string][]string{}
	for _, c := range sub {
		per[c.Category] = append(per[c.Category], c.ID)
	}
	for _, cat := range conformance.Categories {
		var ids []string
		for _, c := range all {
			if c.Category == cat {
				ids = append(ids, c.ID)
			}
		}
		want := []string{ids[0]}
		if len(ids) > 1 {
			want = append(want, ids[len(ids)-1])
		}
		if got := per[cat]; len(got) != len(want) || got[0] != want[0] || got[len(got)-1] != want[len(want)-1] {
			t.Errorf("%s: subset %v, want %v", cat, got, want)
		}
	}
	if len(per) != len(conformance.Categories) {
		t.Errorf("subset covers %d categories, want %d", len(per), len(conformance.Categories))
	}
}
