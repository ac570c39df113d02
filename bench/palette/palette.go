// Package palette gives every library one colour and line style, the same
// in every chart and slide of every run, readable by colour-blind viewers.
//
// Colours are Okabe–Ito's (Color Universal Design): six hues for the
// WebSocket servers, grey for the baseline and black for the ceiling
// (their roles in servers/registry). Yellow is left out: it cannot be read
// on white. When the six hues run out, the next libraries repeat them with
// a second channel: a dashed line and a square marker, then a dotted line
// and a triangle, and so on. A registered library always gets the same
// style, from its palette position in the registry; a library the registry
// does not know comes after the known ones, in name order.
package palette

import (
	"fmt"
	"image/color"
	"slices"
	"sort"

	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/server"
)

// Okabe–Ito colours.
var (
	Blue          = color.RGBA{0x00, 0x72, 0xB2, 0xff}
	Vermillion    = color.RGBA{0xD5, 0x5E, 0x00, 0xff}
	BluishGreen   = color.RGBA{0x00, 0x9E, 0x73, 0xff}
	ReddishPurple = color.RGBA{0xCC, 0x79, 0xA7, 0xff}
	Orange        = color.RGBA{0xE6, 0x9F, 0x00, 0xff}
	SkyBlue       = color.RGBA{0x56, 0xB4, 0xE9, 0xff}
	Black         = color.RGBA{0x00, 0x00, 0x00, 0xff}
	Grey          = color.RGBA{0x80, 0x80, 0x80, 0xff}
)

// hues are cycled over the libraries, in this order.
var hues = []color.RGBA{Blue, Vermillion, BluishGreen, ReddishPurple, Orange, SkyBlue}

// Known fixes the order in which libraries take their style, so that a
// library keeps it whatever else ran: the registry's palette positions.
// The reference rows (baseline, ceiling) are not in it.
var Known = registry.PaletteOrder()

// neutral are the styles of the reference rows, by role.
var neutral = map[server.Role]Style{
	server.RoleBaseline: {Color: Grey, Dash: nil, Marker: Diamond},
	server.RoleCeiling:  {Color: Black, Dash: nil, Marker: Cross},
}

// Baselines are the reference rows' fixed neutral styles, by name.
var Baselines = baselines()

func baselines() map[string]Style {
	m := map[string]Style{}
	for role, s := range neutral {
		for _, l := range registry.ByRole(role) {
			m[l.Name] = s
		}
	}
	return m
}

// Marker is the shape of a point.
type Marker string

// Markers, one per cycle through the hues.
const (
	Circle   Marker = "circle"
	Square   Marker = "square"
	Triangle Marker = "triangle"
	Diamond  Marker = "diamond"
	Cross    Marker = "cross"
)

var cycles = []struct {
	dash   []float64
	marker Marker
}{
	{nil, Circle},
	{[]float64{8, 4}, Square},
	{[]float64{2, 3}, Triangle},
	{[]float64{8, 3, 2, 3}, Diamond},
}

// Style is how one library is drawn.
type Style struct {
	Color  color.RGBA
	Dash   []float64 // on/off lengths in points; nil is a solid line
	Marker Marker
}

// Hex is the colour as #RRGGBB.
func (s Style) Hex() string {
	return fmt.Sprintf("#%02X%02X%02X", s.Color.R, s.Color.G, s.Color.B)
}

// Palette assigns styles to the libraries of one run.
type Palette struct {
	order []string // non-baseline libraries in style order
}

// New is the palette for a run of libs (any order).
func New(libs []string) *Palette {
	var unknown []string
	for _, l := range libs {
		if _, base := Baselines[l]; !base && !slices.Contains(Known, l) && !slices.Contains(unknown, l) {
			unknown = append(unknown, l)
		}
	}
	sort.Strings(unknown)
	return &Palette{order: append(slices.Clone(Known), unknown...)}
}

// Style is lib's style. A library New was not told about gets the style
// after every other.
func (p *Palette) Style(lib string) Style {
	if s, ok := Baselines[lib]; ok {
		return s
	}
	i := slices.Index(p.order, lib)
	if i < 0 {
		i = len(p.order)
	}
	c := cycles[(i/len(hues))%len(cycles)]
	return Style{Color: hues[i%len(hues)], Dash: c.dash, Marker: c.marker}
}
