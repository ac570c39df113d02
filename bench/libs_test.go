package main

import (
	"testing"

	"github.com/wsbench/wsbench/servers/benchtest"
)

// The cross-library benchmarks: every registered library under lib=NAME,
// for `go test -run='^$' -bench=. ./bench/ | go tool benchstat -col /lib -`.

func BenchmarkEcho(b *testing.B)      { benchtest.ForEachLib(b, benchtest.Echo) }
func BenchmarkBroadcast(b *testing.B) { benchtest.ForEachLib(b, benchtest.Broadcast) }
func BenchmarkHandshake(b *testing.B) { benchtest.ForEachLib(b, benchtest.Handshake) }
