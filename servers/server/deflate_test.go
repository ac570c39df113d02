package server

import (
	"slices"
	"testing"
)

func TestDeflateNames(t *testing.T) {
	s := DeflateSupport{Modes: []DeflateMode{DeflateNoContextTakeover, DeflateContextTakeover}, Levels: []DeflateLevel{LevelDefault, LevelFastest}}
	vs := s.Variants()
	if len(vs) != len(s.Modes)*len(s.Levels) {
		t.Fatalf("variants %v", vs)
	}
	for _, d := range append(vs, Deflate{}) {
		back, err := ParseDeflateName(d.String())
		if err != nil || back.String() != d.String() {
			t.Errorf("%s: parsed back as %s (%v)", d, back, err)
		}
		if !s.Supports(d) {
			t.Errorf("%s: declared but not supported", d)
		}
		args := d.Args()
		if d.On() != (len(args) > 0) || d.Fastest() != slices.Contains(args, string(LevelFastest)) {
			t.Errorf("%s: args %v", d, args)
		}
	}
	gorilla := DeflateSupport{Modes: []DeflateMode{DeflateNoContextTakeover}}
	for _, d := range []Deflate{{Mode: DeflateContextTakeover}, {Mode: DeflateNoContextTakeover, Level: LevelFastest}} {
		if gorilla.Supports(d) {
			t.Errorf("%s supported by a library that does not declare it", d)
		}
	}
	if (DeflateSupport{}).Supported() || !(DeflateSupport{}).Supports(Deflate{Mode: DeflateOff}) {
		t.Error("a library without compression must support off only")
	}
	for _, bad := range [][2]string{{"sometimes", ""}, {"off", "best"}} {
		if _, err := ParseDeflate(bad[0], bad[1]); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}
