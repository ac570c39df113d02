package benchtest

import (
	"testing"

	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/server"
)

// Lib returns the registered library called name, failing the benchmark
// when there is none.
func Lib(tb testing.TB, name string) server.Library {
	tb.Helper()
	lib, ok := registry.Lookup(name)
	if !ok {
		tb.Fatalf("no library %q in the registry", name)
	}
	return lib
}

// ForEachLib runs fn as a lib=NAME sub-benchmark for every registered
// library, so that `benchstat -col /lib` lays them side by side.
func ForEachLib(b *testing.B, fn func(*testing.B, server.Library)) {
	for _, lib := range registry.All() {
		b.Run("lib="+lib.Name, func(b *testing.B) { fn(b, lib) })
	}
}
