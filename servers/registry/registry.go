// Package registry lists every server under test, with the facts about it
// that the benchmarks, tests and reports use (server.Library). Adding a
// library is one package under servers/ and one entry here (entries.go):
// the CLI, the tests, the benchmarks, the bench matrix and the reports all
// range over this list.
package registry

import (
	"cmp"
	"slices"
	"sort"

	"github.com/wsbench/wsbench/servers/server"
)

// Entry is one registry entry.
type Entry = server.Library

// All returns the registered libraries in a stable order (by name).
func All() []server.Library {
	out := append([]server.Library(nil), all...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Names returns the registered names, sorted.
func Names() []string {
	var names []string
	for _, l := range All() {
		names = append(names, l.Name)
	}
	return names
}

// Lookup finds a library by name.
func Lookup(name string) (server.Library, bool) {
	for _, l := range all {
		if l.Name == name {
			return l, true
		}
	}
	return server.Library{}, false
}

// ByProto returns the libraries whose clients speak proto.
func ByProto(proto server.Proto) []server.Library {
	var out []server.Library
	for _, l := range All() {
		if l.Proto == proto {
			out = append(out, l)
		}
	}
	return out
}

// ByRole returns the entries with role r, by name.
func ByRole(r server.Role) []server.Library {
	var out []server.Library
	for _, l := range All() {
		if l.Role == r {
			out = append(out, l)
		}
	}
	return out
}

// IsReference reports whether name is a registered reference row (the
// ceiling or a baseline): not a WebSocket server in the ranking.
func IsReference(name string) bool {
	l, ok := Lookup(name)
	return ok && l.Role.Reference()
}

// Ceiling is the ceiling entry: the same echo and broadcast over plain
// TCP, with no WebSocket.
func Ceiling() server.Library {
	return only(func(l server.Library) bool { return l.Role == server.RoleCeiling })
}

// ClaimReference is the WebSocket library the claim compares the REST
// baseline with.
func ClaimReference() server.Library {
	return only(func(l server.Library) bool { return l.ClaimReference })
}

// only is the one entry that has p; the registry's tests check there is
// exactly one for each use.
func only(p func(server.Library) bool) server.Library {
	i := slices.IndexFunc(all, p)
	if i < 0 {
		panic("registry: no entry for a fact every registry must have")
	}
	return all[i]
}

// PaletteOrder is the names of the entries that take a chart style, in
// the order they take it (Library.Palette).
func PaletteOrder() []string {
	var ls []server.Library
	for _, l := range all {
		if l.Palette > 0 {
			ls = append(ls, l)
		}
	}
	slices.SortFunc(ls, func(a, b server.Library) int { return cmp.Compare(a.Palette, b.Palette) })
	names := make([]string, len(ls))
	for i, l := range ls {
		names[i] = l.Name
	}
	return names
}
