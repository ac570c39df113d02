package features

import (
	"testing"

	"github.com/wsbench/wsbench/servers/registry"
)

// Every registered library has a complete row: adding a library to the
// registry means filling its features too.
func TestEveryLibraryHasFeatures(t *testing.T) {
	for _, name := range registry.Names() {
		f, ok := Table[name]
		if !ok {
			t.Errorf("no features for %s", name)
			continue
		}
		if g, ok := Of(name); !ok || g != f {
			t.Errorf("Of(%s) = %+v, %v; Table has %+v", name, g, ok, f)
		}
		row := f.Row()
		if len(row) != len(Columns) {
			t.Fatalf("%s: %d cells for %d columns", name, len(row), len(Columns))
		}
		for i, cell := range row {
			if cell == "" {
				t.Errorf("%s: %s is empty", name, Columns[i])
			}
		}
	}
	for name := range Table {
		if _, ok := registry.Lookup(name); !ok {
			t.Errorf("features for %s, which is not registered", name)
		}
	}
	if _, ok := Of("no-such-lib"); ok {
		t.Error("Of found a row for a library that is not registered")
	}
}
