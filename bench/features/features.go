// Package features is the feature matrix of the libraries under test: what
// each offers beyond raw speed. The rows are facts of the registry entries
// (server.Library.Features, servers/registry); this package lays them out
// as a table.
package features

import (
	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/server"
)

// Features describes what a library offers beyond raw speed.
type Features = server.Features

// Columns are the table headers, in Row order.
var Columns = server.FeatureColumns

// Table is keyed by registry name: every registered entry's row.
var Table = table()

func table() map[string]Features {
	t := map[string]Features{}
	for _, l := range registry.All() {
		t[l.Name] = l.Features
	}
	return t
}

// Of is lib's row, false when lib is not registered.
func Of(lib string) (Features, bool) {
	l, ok := registry.Lookup(lib)
	return l.Features, ok
}
