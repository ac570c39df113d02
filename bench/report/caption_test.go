package report

import (
	"slices"
	"testing"

	"gonum.org/v1/plot/vg"
)

func TestWrapCaption(t *testing.T) {
	width := func(s string) vg.Length { return vg.Length(len(s)) } // one unit per byte
	cases := []struct {
		text string
		max  vg.Length
		want []string
	}{
		{"a · b · c", 100, []string{"a · b · c"}},
		{"aaaa · bbbb · cccc", 13, []string{"aaaa · bbbb", "cccc"}},
		{"aaaa · bbbb · cccc", 6, []string{"aaaa", "bbbb", "cccc"}},
		{"a-long-part-alone · b", 5, []string{"a-long-part-alone", "b"}},
	}
	for _, tc := range cases {
		if got := wrapCaption(tc.text, width, tc.max); !slices.Equal(got, tc.want) {
			t.Errorf("wrapCaption(%q, %v) = %q, want %q", tc.text, tc.max, got, tc.want)
		}
	}
}
