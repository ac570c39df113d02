package palette

import (
	"image/color"
	"slices"
	"testing"

	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/server"
)

// references are the registry's reference rows: the baselines and the
// ceiling.
func references() []string {
	var out []string
	for _, r := range []server.Role{server.RoleBaseline, server.RoleCeiling} {
		for _, l := range registry.ByRole(r) {
			out = append(out, l.Name)
		}
	}
	return out
}

func TestKnownLibraryKeepsItsStyleWhateverElseRan(t *testing.T) {
	lib := Known[1]
	a := New([]string{Known[0], lib}).Style(lib)
	b := New(append([]string{"zz-new", Known[len(Known)-1], lib}, references()...)).Style(lib)
	if a.Hex() != b.Hex() || a.Marker != b.Marker || !slices.Equal(a.Dash, b.Dash) {
		t.Fatalf("%s changed style: %+v vs %+v", lib, a, b)
	}
}

func TestSixteenLibrariesAreAllDistinct(t *testing.T) {
	libs := append(append(slices.Clone(Known), references()...), "extra1", "extra2")
	p := New(libs)
	seen := map[string]string{}
	for _, l := range libs {
		s := p.Style(l)
		key := s.Hex() + string(s.Marker)
		if other, dup := seen[key]; dup {
			t.Errorf("%s and %s share colour and marker %s", l, other, key)
		}
		seen[key] = l
	}
}

func TestReferencesAreNeutralAndHuesSkipYellow(t *testing.T) {
	p := New(references())
	base, ceil := registry.ByRole(server.RoleBaseline), registry.Ceiling()
	if len(base) == 0 {
		t.Fatal("the registry has no baseline")
	}
	for _, l := range base {
		if p.Style(l.Name).Color != Grey {
			t.Errorf("baseline %s: %s, want grey", l.Name, p.Style(l.Name).Hex())
		}
	}
	if p.Style(ceil.Name).Color != Black {
		t.Errorf("ceiling %s: %s, want black", ceil.Name, p.Style(ceil.Name).Hex())
	}
	yellow := color.RGBA{0xF0, 0xE4, 0x42, 0xff} // Okabe–Ito's, unreadable on white
	for _, l := range Known {
		if c := p.Style(l).Color; c == yellow || c == Grey || c == Black {
			t.Errorf("%s got %s", l, p.Style(l).Hex())
		}
	}
}

// The order is the registry's: every entry that is not a reference row,
// by palette position.
func TestKnownIsTheRegistrysOrder(t *testing.T) {
	for i, name := range Known {
		l, ok := registry.Lookup(name)
		if !ok || l.Palette != i+1 || l.Role.Reference() {
			t.Errorf("Known[%d] = %s (registered %v, position %d, role %q)", i, name, ok, l.Palette, l.Role)
		}
	}
	if len(Known)+len(references()) != len(registry.Names()) {
		t.Errorf("%d known and %d reference rows for %d registered entries", len(Known), len(references()), len(registry.Names()))
	}
}

func TestSecondCycleUsesDashAndAnotherMarker(t *testing.T) {
	p := New(nil)
	first, second := p.Style(Known[0]), p.Style(Known[len(hues)])
	if first.Color != second.Color {
		t.Fatalf("expected the hue to repeat: %s vs %s", first.Hex(), second.Hex())
	}
	if second.Dash == nil || second.Marker == first.Marker {
		t.Errorf("second cycle lacks a second channel: %+v", second)
	}
}
