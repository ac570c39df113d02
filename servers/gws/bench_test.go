package gws_test

import (
	"testing"

	"github.com/wsbench/wsbench/servers/benchtest"
)

func BenchmarkEcho(b *testing.B)      { benchtest.Echo(b, benchtest.Lib(b, "gws")) }
func BenchmarkBroadcast(b *testing.B) { benchtest.Broadcast(b, benchtest.Lib(b, "gws")) }
func BenchmarkHandshake(b *testing.B) { benchtest.Handshake(b, benchtest.Lib(b, "gws")) }
