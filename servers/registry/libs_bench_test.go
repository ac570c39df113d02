package registry_test

import (
	"testing"

	"github.com/wsbench/wsbench/servers/benchtest"
)

// The cross-library benchmarks: every registered library under lib=NAME,
// for `go test -run='^$' -bench=. ./servers/registry/ | go tool benchstat -col /lib -`.

func BenchmarkEcho(b *testing.B)      { benchtest.ForEachLib(b, benchtest.Echo) }
func BenchmarkBroadcast(b *testing.B) { benchtest.ForEachLib(b, benchtest.Broadcast) }
func BenchmarkHandshake(b *testing.B) { benchtest.ForEachLib(b, benchtest.Handshake) }

// BenchmarkAblation compares each library's adapter configurations (write
// path, buffer sizes) on echo: lib=NAME/variant=V/type=T/size=S, for
// `benchstat -filter /lib:NAME -col /variant`.
func BenchmarkAblation(b *testing.B) { benchtest.ForEachLib(b, benchtest.Ablation) }
