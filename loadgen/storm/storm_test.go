package storm

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wsbench/wsbench/loadgen/wire"
	"github.com/wsbench/wsbench/servers/cluster"
	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/server"
	"github.com/wsbench/wsbench/servers/servertest"
)

// TestStormMovesToOtherNode: two nodes, the subscribers of B are dropped
// when B shuts down and move to A; every one of them receives again, with
// nothing duplicated or reordered, and whatever they missed counted.
func TestStormMovesToOtherNode(t *testing.T) {
	for _, name := range []string{"gorilla", "sockjs"} {
		t.Run(name, func(t *testing.T) {
			lib, ok := registry.Lookup(name)
			if !ok {
				t.Fatalf("no %s", name)
			}
			ns, err := cluster.StartBroker("127.0.0.1", 0)
			if err != nil {
				t.Fatal(err)
			}
			defer ns.Shutdown()
			var nodes []*servertest.Running
			for _, id := range []string{"a", "b"} {
				b, err := cluster.Connect(ns.ClientURL(), id)
				if err != nil {
					t.Fatal(err)
				}
				defer b.Close(time.Second)
				env := server.NewEnv()
				env.Cluster = b
				nodes = append(nodes, servertest.StartEnv(t, lib, env))
			}
			target, err := wire.ParseURL("ws://"+nodes[0].Addr, wire.Proto(lib.Proto))
			if err != nil {
				t.Fatal(err)
			}
			const conns = 50
			res, err := Run(context.Background(), Config{
				Target: target, From: nodes[1].Addr, To: nodes[0].Addr, Publisher: nodes[0].Addr,
				Conns: conns, Rate: 200, Drop: nodes[1].Stop, Timeout: 30 * time.Second,
			})
			if err != nil {
				t.Fatal(err)
			}
			if res.Duplicated != 0 || res.Reordered != 0 || res.Dials < conns || res.RecoverS < res.ReconnectS || res.HandshakesPerSec <= 0 {
				t.Fatalf("%+v", res)
			}
			if got := nodes[0].Env.Stats.ConnsTotal.Load(); got != conns+1 {
				t.Errorf("node A had %d connections, want the %d moved ones and the publisher", got, conns)
			}
			t.Logf("%+v", res)
		})
	}
}

func TestDropFails(t *testing.T) {
	lib, _ := registry.Lookup("gorilla")
	r := servertest.Start(t, lib)
	target, err := wire.ParseURL("ws://"+r.Addr, "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), Config{
		Target: target, From: r.Addr, To: r.Addr, Publisher: r.Addr, Conns: 3, Rate: 100,
		Drop: func() error { return errors.New("cannot kill") }, Timeout: 20 * time.Second,
	})
	if err == nil || !strings.Contains(err.Error(), "cannot kill") {
		t.Fatalf("got %v, want the drop's error", err)
	}
}

func TestConfigRefused(t *testing.T) {
	if _, err := Run(context.Background(), Config{}); err == nil {
		t.Fatal("empty config accepted")
	}
}
