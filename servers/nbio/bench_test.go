package nbio_test

import (
	"testing"

	"github.com/wsbench/wsbench/servers/benchtest"
)

func BenchmarkEcho(b *testing.B)      { benchtest.Echo(b, benchtest.Lib(b, "nbio")) }
func BenchmarkBroadcast(b *testing.B) { benchtest.Broadcast(b, benchtest.Lib(b, "nbio")) }
func BenchmarkHandshake(b *testing.B) { benchtest.Handshake(b, benchtest.Lib(b, "nbio")) }
