package registry_test

import (
	"slices"
	"testing"

	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/server"
)

// Every entry carries every fact the reports need: a registry entry that
// lacks one fails here, not in a report.
func TestEveryEntryHasItsFacts(t *testing.T) {
	for _, l := range registry.All() {
		if l.Display == "" {
			t.Errorf("%s: no display name", l.Name)
		}
		if !slices.Contains(server.Roles, l.Role) {
			t.Errorf("%s: role %q is none of %q", l.Name, l.Role, server.Roles)
		}
		row := l.Features.Row()
		if len(row) != len(server.FeatureColumns) {
			t.Fatalf("%s: %d feature cells for %d columns", l.Name, len(row), len(server.FeatureColumns))
		}
		for i, cell := range row {
			if cell == "" {
				t.Errorf("%s: feature %q is empty", l.Name, server.FeatureColumns[i])
			}
		}
		if l.Role.Reference() != (l.Palette == 0) {
			t.Errorf("%s: role %q with palette position %d (reference rows have none, the others one)", l.Name, l.Role, l.Palette)
		}
		if l.Role == server.RoleLibrary && l.Module == "" {
			t.Errorf("%s: a library with no module", l.Name)
		}
		for b, what := range l.Deviations {
			if what == "" {
				t.Errorf("%s: deviation %s does not say what the library does instead", l.Name, b)
			}
		}
	}
}

// The palette positions are 1, 2, ... with no gap and no two entries on
// one, so that each entry keeps one style.
func TestPalettePositionsAreDistinct(t *testing.T) {
	order := registry.PaletteOrder()
	for i, name := range order {
		l, _ := registry.Lookup(name)
		if l.Palette != i+1 {
			t.Errorf("%s is at palette position %d, want %d (positions must run 1, 2, ... without repeats)", name, l.Palette, i+1)
		}
	}
	refs := len(registry.ByRole(server.RoleCeiling)) + len(registry.ByRole(server.RoleBaseline))
	if len(order)+refs != len(registry.All()) {
		t.Errorf("%d entries in the palette and %d reference rows for %d entries", len(order), refs, len(registry.All()))
	}
}

func TestOneCeilingOneClaimReferenceAndABaseline(t *testing.T) {
	if n := len(registry.ByRole(server.RoleCeiling)); n != 1 {
		t.Errorf("%d ceiling entries, want 1", n)
	}
	if c := registry.Ceiling(); c.Role != server.RoleCeiling || c.Proto != server.ProtoTCP {
		t.Errorf("Ceiling() = %s (role %q, proto %q)", c.Name, c.Role, c.Proto)
	}
	if len(registry.ByRole(server.RoleBaseline)) == 0 {
		t.Error("no baseline entry")
	}
	var refs []string
	for _, l := range registry.All() {
		if l.ClaimReference {
			refs = append(refs, l.Name)
		}
	}
	if len(refs) != 1 {
		t.Fatalf("claim reference on %v, want exactly one entry", refs)
	}
	ref := registry.ClaimReference()
	if ref.Name != refs[0] || ref.Role != server.RoleLibrary || ref.Proto != server.ProtoWS {
		t.Errorf("ClaimReference() = %s (role %q, proto %q), want a WebSocket library", ref.Name, ref.Role, ref.Proto)
	}
	for _, l := range registry.All() {
		if registry.IsReference(l.Name) != l.Role.Reference() {
			t.Errorf("IsReference(%s) disagrees with its role %q", l.Name, l.Role)
		}
	}
	if registry.IsReference("no-such-lib") {
		t.Error("IsReference is true for a name that is not registered")
	}
}
