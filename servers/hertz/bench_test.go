package hertz_test

import (
	"testing"

	"github.com/wsbench/wsbench/servers/benchtest"
)

func BenchmarkEcho(b *testing.B)      { benchtest.Echo(b, benchtest.Lib(b, "hertz")) }
func BenchmarkBroadcast(b *testing.B) { benchtest.Broadcast(b, benchtest.Lib(b, "hertz")) }
func BenchmarkHandshake(b *testing.B) { benchtest.Handshake(b, benchtest.Lib(b, "hertz")) }
