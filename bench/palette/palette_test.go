package palette

import (
	"slices"
	"testing"
)

func TestKnownLibraryKeepsItsStyleWhateverElseRan(t *testing.T) {
	a := New([]string{"gorilla", "coder"}).Style("coder")
	b := New([]string{"zz-new", "xnet", "coder", "rest", "tcp"}).Style("coder")
	if a.Hex() != b.Hex() || a.Marker != b.Marker || !slices.Equal(a.Dash, b.Dash) {
		t.Fatalf("coder changed style: %+v vs %+v", a, b)
	}
}

func TestSixteenLibrariesAreAllDistinct(t *testing.T) {
	libs := append(slices.Clone(Known), "rest", "tcp", "extra1", "extra2")
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

func TestBaselinesAreNeutralAndHuesSkipYellow(t *testing.T) {
	p := New([]string{"rest", "tcp"})
	if p.Style("rest").Color != Grey || p.Style("tcp").Color != Black {
		t.Errorf("baselines: rest %s, tcp %s", p.Style("rest").Hex(), p.Style("tcp").Hex())
	}
	for _, l := range Known {
		if h := p.Style(l).Hex(); h == "#F0E442" || h == "#808080" || h == "#000000" {
			t.Errorf("%s got %s", l, h)
		}
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
