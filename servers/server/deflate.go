package server

import (
	"fmt"
	"slices"
	"strings"
)

// DeflateMode is the permessage-deflate (RFC 7692) variant a server is
// started in (Env.Deflate). Off, the zero value's meaning, is every
// library's default and the reference matrix's: the server answers a
// client that offers the extension with no extension.
type DeflateMode string

// The variants. A library supports the ones its package declares
// (Library.Deflate); nothing is emulated on behalf of one that lacks it.
const (
	DeflateOff DeflateMode = "off"
	// DeflateNoContextTakeover: each message is compressed on its own
	// (server_no_context_takeover and client_no_context_takeover in the
	// answer); no compression state is kept between messages.
	DeflateNoContextTakeover DeflateMode = "no-context-takeover"
	// DeflateContextTakeover: the sliding window is kept from one message
	// to the next, in each direction (memory per connection).
	DeflateContextTakeover DeflateMode = "context-takeover"
)

// DeflateModes are the variants, off first.
var DeflateModes = []DeflateMode{DeflateOff, DeflateNoContextTakeover, DeflateContextTakeover}

// DeflateLevel is the compression level a server uses when the extension
// is negotiated.
type DeflateLevel string

// The levels. LevelDefault is the library's own default; LevelFastest is
// flate.BestSpeed, declared only by libraries whose default differs from
// it and that let it be set.
const (
	LevelDefault DeflateLevel = "default"
	LevelFastest DeflateLevel = "fastest"
)

// Deflate is how a server negotiates permessage-deflate. The zero value is
// off at the default level.
type Deflate struct {
	Mode  DeflateMode
	Level DeflateLevel
}

// On reports whether the server negotiates the extension.
func (d Deflate) On() bool { return d.Mode != "" && d.Mode != DeflateOff }

// ContextTakeover reports whether the server keeps the sliding window
// between messages.
func (d Deflate) ContextTakeover() bool { return d.Mode == DeflateContextTakeover }

// Fastest reports whether the fastest level was asked for.
func (d Deflate) Fastest() bool { return d.Level == LevelFastest }

// String names the variant as the flags and the matrix do: "off",
// "no-context-takeover", "context-takeover", with "-fastest" appended at
// the fastest level.
func (d Deflate) String() string {
	if !d.On() {
		return string(DeflateOff)
	}
	if d.Fastest() {
		return string(d.Mode) + fastestSuffix
	}
	return string(d.Mode)
}

const fastestSuffix = "-" + string(LevelFastest)

// ParseDeflate reads a mode and a level as the flags give them ("" means
// off and default).
func ParseDeflate(mode, level string) (Deflate, error) {
	d := Deflate{Mode: DeflateMode(mode), Level: DeflateLevel(level)}
	if d.Mode == "" {
		d.Mode = DeflateOff
	}
	if d.Level == "" {
		d.Level = LevelDefault
	}
	if !slices.Contains(DeflateModes, d.Mode) {
		return Deflate{}, fmt.Errorf("unknown permessage-deflate mode %q (want %s)", mode, joinModes(DeflateModes))
	}
	if d.Level != LevelDefault && d.Level != LevelFastest {
		return Deflate{}, fmt.Errorf("unknown permessage-deflate level %q (want %s or %s)", level, LevelDefault, LevelFastest)
	}
	return d, nil
}

// ParseDeflateName reads a variant as String names it ("off",
// "context-takeover", "no-context-takeover-fastest").
func ParseDeflateName(s string) (Deflate, error) {
	if mode, ok := strings.CutSuffix(s, fastestSuffix); ok {
		return ParseDeflate(mode, string(LevelFastest))
	}
	return ParseDeflate(s, "")
}

// Args are the servers command's flags for d (none when off).
func (d Deflate) Args() []string {
	if !d.On() {
		return nil
	}
	args := []string{"-deflate", string(d.Mode)}
	if d.Fastest() {
		args = append(args, "-deflate-level", string(LevelFastest))
	}
	return args
}

func joinModes(ms []DeflateMode) string {
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = string(m)
	}
	return strings.Join(s, ", ")
}

// DeflateSupport is what a library offers for permessage-deflate, declared
// in its package (features.go) from its source and documentation: data,
// not measurement.
type DeflateSupport struct {
	// Modes are the variants besides off that the adapter configures
	// through the library's own options; empty when it has none.
	Modes []DeflateMode
	// Levels are the levels the adapter can set; nil means only the
	// library's default (which may already be the fastest: see Default).
	Levels []DeflateLevel
	// Options names the library's options that the adapter sets.
	Options string
	// Default says what the library does unless told otherwise, its
	// default level included.
	Default string
}

// Supported reports whether the library has any variant besides off.
func (s DeflateSupport) Supported() bool { return len(s.Modes) > 0 }

// Supports reports whether a server can be started in d: off always, the
// declared modes at the default level, and at a declared level.
func (s DeflateSupport) Supports(d Deflate) bool {
	if !d.On() {
		return true
	}
	if !slices.Contains(s.Modes, d.Mode) {
		return false
	}
	return d.Level == "" || d.Level == LevelDefault || slices.Contains(s.Levels, d.Level)
}

// Variants are every supported Deflate besides off: each mode at the
// default level, then at each other declared level.
func (s DeflateSupport) Variants() []Deflate {
	var out []Deflate
	for _, m := range s.Modes {
		out = append(out, Deflate{Mode: m, Level: LevelDefault})
		for _, l := range s.Levels {
			if l != LevelDefault {
				out = append(out, Deflate{Mode: m, Level: l})
			}
		}
	}
	return out
}

// ModeNames lists the supported modes for a table ("none" when empty).
func (s DeflateSupport) ModeNames() string {
	if !s.Supported() {
		return "none"
	}
	return joinModes(s.Modes)
}
