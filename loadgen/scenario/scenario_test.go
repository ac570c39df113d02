package scenario

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/wsbench/wsbench/loadgen/histmerge"
	"github.com/wsbench/wsbench/loadgen/histo"
	"github.com/wsbench/wsbench/loadgen/result"
	"github.com/wsbench/wsbench/loadgen/wire"
	"github.com/wsbench/wsbench/servers/cluster"
	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/server"
	"github.com/wsbench/wsbench/servers/servertest"
)

// startLib runs a registered server in this process.
func startLib(t *testing.T, name string) string {
	t.Helper()
	lib, ok := registry.Lookup(name)
	if !ok {
		t.Fatalf("no library %q", name)
	}
	return servertest.Start(t, lib).Addr
}

// short is a small, fast run.
func short(url string) Config {
	return Config{
		URL:      url,
		Conns:    4,
		Size:     100,
		Warmup:   100 * time.Millisecond,
		Duration: 400 * time.Millisecond,
		Drain:    time.Second,
		Timeout:  20 * time.Second,
	}
}

func run(t *testing.T, cfg Config) *result.Result {
	t.Helper()
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}

// clean checks that a run passed and counted consistently.
func clean(t *testing.T, res *result.Result) {
	t.Helper()
	if res.Failed {
		t.Fatalf("run failed: %s", res.Failure)
	}
	if res.Received == 0 || res.Received != res.Expected || res.Lost+res.Duplicated+res.Reordered+res.Corrupt != 0 {
		t.Fatalf("counts: sent %d expected %d received %d lost %d dup %d reord %d corrupt %d",
			res.Sent, res.Expected, res.Received, res.Lost, res.Duplicated, res.Reordered, res.Corrupt)
	}
	if res.Scenario != Connect && (res.LatencyUS.Count != res.Received || res.LatencyUS.P50 <= 0 || res.LatencyUS.Max < res.LatencyUS.P99 || len(res.LatencyCurve) == 0) {
		t.Fatalf("latency %+v (curve %d points) for %d received", res.LatencyUS, len(res.LatencyCurve), res.Received)
	}
	if pc := res.PerConn; res.Scenario != Connect && (pc == nil || pc.Jain <= 0 || pc.Jain > 1 || pc.Min > pc.P50 || pc.P50 > pc.Max || pc.Max <= 0) {
		t.Fatalf("per_conn %+v", pc)
	}
}

func TestEchoClosedGorilla(t *testing.T) {
	addr := startLib(t, "gorilla")
	cfg := short("ws://" + addr)
	cfg.Window = 4
	cfg.ServerPID = os.Getpid() // the server runs in this process
	res := run(t, cfg)
	clean(t, res)
	if res.Mode != "closed" || res.Window != 4 || res.MsgsPerSec <= 0 || res.Connected != 4 || res.Variant != "ws" {
		t.Fatalf("result %+v", res)
	}
	// 100-byte binary frames: 2 header + 4 mask bytes out, 2 header bytes in.
	if tx := res.BytesPerMsg.TX; tx < 100 || tx > 112 {
		t.Fatalf("tx bytes per message %v", tx)
	}
	if rx := res.BytesPerMsg.RX; rx < 98 || rx > 108 {
		t.Fatalf("rx bytes per message %v", rx)
	}
	if res.Server == nil || res.Server.CPUUtil <= 0 || res.Server.RSSBytes <= 0 || res.Client.CPUUSPerMsg <= 0 {
		t.Fatalf("process figures: server %+v client %+v", res.Server, res.Client)
	}
	// Server and load generator are one process here: what else ran on
	// its CPUs is a reading (whatever the machine's load), not a guess.
	if f := res.Foreign; f == nil || len(f.CPUs) == 0 || f.CPUUtil < 0 || f.StealUtil < 0 {
		t.Fatalf("foreign CPU reading %+v", res.Foreign)
	}
}

func TestEchoOpenGorilla(t *testing.T) {
	addr := startLib(t, "gorilla")
	cfg := short("ws://" + addr)
	cfg.Rate = 2000
	cfg.Spin = DefaultSpin
	res := run(t, cfg)
	clean(t, res)
	if res.Mode != "open" || res.RateShort || res.RateAchieved < 1800 || res.RateAchieved > 2200 || res.SendLagUS == nil {
		t.Fatalf("rate: target %v achieved %v short %v lag %+v", res.RateTarget, res.RateAchieved, res.RateShort, res.SendLagUS)
	}
	if res.SpinUS != float64(DefaultSpin.Microseconds()) {
		t.Errorf("spin %v µs, want %v", res.SpinUS, DefaultSpin)
	}
	// The verdict is there; whether this loaded test machine kept the
	// schedule is not asserted.
	if v := res.Verdict; v == nil || v.Status == result.VerdictFailed || v.Status == result.VerdictClientBound {
		t.Errorf("verdict %+v", v)
	}
}

// A mostly idle crowd: of 10 connections 3 send at the offered rate and
// the others stay open; the figures are the active ones'.
func TestEchoOpenActiveFraction(t *testing.T) {
	addr := startLib(t, "gorilla")
	cfg := short("ws://" + addr)
	cfg.Conns, cfg.Active, cfg.Rate = 10, 0.3, 600
	cfg.ServerPID = os.Getpid()
	res := run(t, cfg)
	clean(t, res)
	if res.Connected != 10 || res.ActiveConns != 3 || res.PerConn == nil || res.PerConn.Min <= 0 {
		t.Fatalf("connected %d, active %d, per_conn %+v: want 10 connected, 3 active, each served", res.Connected, res.ActiveConns, res.PerConn)
	}
	if res.Server == nil || res.Server.RSSBaseBytes <= 0 {
		t.Fatalf("server %+v: want the RSS before dialing, the base of the growth per connection", res.Server)
	}
}

func TestBroadcastGorilla(t *testing.T) {
	addr := startLib(t, "gorilla")
	cfg := short("ws://" + addr)
	cfg.Conns, cfg.Publishers, cfg.Rate = 5, 2, 500
	cfg.Scenario = Broadcast
	res := run(t, cfg)
	clean(t, res)
	if res.Expected != res.Sent*5 || res.Sent < 150 {
		t.Fatalf("sent %d expected %d", res.Sent, res.Expected)
	}
	if f := res.FanoutLastUS; f == nil || f.Count != res.Sent || f.P50 < res.LatencyUS.P50 {
		t.Fatalf("fanout %+v, latency %+v, sent %d", f, res.LatencyUS, res.Sent)
	}
	if res.LatencyHist != "" || res.FanoutLastHist != "" {
		t.Fatal("histograms encoded without Hist")
	}
}

// On a cluster of two nodes, subscribers are spread over both and every
// delivery counts as same-node or cross-node.
func TestBroadcastCluster(t *testing.T) {
	lib, ok := registry.Lookup("gorilla")
	if !ok {
		t.Fatal("no gorilla")
	}
	ns, err := cluster.StartBroker("127.0.0.1", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Shutdown()
	var addrs []string
	for _, id := range []string{"a", "b"} {
		b, err := cluster.Connect(ns.ClientURL(), id)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close(time.Second)
		env := server.NewEnv()
		env.Cluster = b
		addrs = append(addrs, servertest.StartEnv(t, lib, env).Addr)
	}
	cfg := short("ws://" + addrs[0])
	cfg.Conns, cfg.Publishers, cfg.Rate = 4, 1, 200
	cfg.Scenario, cfg.Nodes = Broadcast, addrs[1:]
	res := run(t, cfg)
	clean(t, res)
	s, c := res.SameNodeUS, res.CrossNodeUS
	if res.Nodes != 2 || s == nil || c == nil || s.Count == 0 || c.Count == 0 || s.Count+c.Count != res.LatencyUS.Count {
		t.Fatalf("nodes %d, same %+v, cross %+v, all %+v", res.Nodes, s, c, res.LatencyUS)
	}
	if res.Expected != res.Sent*int64(cfg.Conns) {
		t.Fatalf("sent %d expected %d", res.Sent, res.Expected)
	}
}

// With Hist the result carries the histograms behind its percentiles.
func TestBroadcastHist(t *testing.T) {
	addr := startLib(t, "gorilla")
	cfg := short("ws://" + addr)
	cfg.Conns, cfg.Publishers, cfg.Rate = 3, 1, 200
	cfg.Scenario, cfg.Hist = Broadcast, true
	res := run(t, cfg)
	clean(t, res)
	for _, c := range []struct {
		enc  string
		want *result.Latency
	}{{res.LatencyHist, &res.LatencyUS}, {res.FanoutLastHist, res.FanoutLastUS}} {
		h, err := histmerge.Decode(c.enc)
		if err != nil {
			t.Fatal(err)
		}
		if got := histo.Summary(h); c.want == nil || got != *c.want {
			t.Fatalf("decoded histogram gives %+v, result says %+v", got, c.want)
		}
	}
}

func TestConnectGorilla(t *testing.T) {
	addr := startLib(t, "gorilla")
	cfg := short("ws://" + addr)
	cfg.Scenario, cfg.Conns, cfg.Hold, cfg.DialConcurrency = Connect, 60, 200*time.Millisecond, 8
	cfg.ServerPID = os.Getpid()
	res := run(t, cfg)
	clean(t, res)
	if res.LatencyUS.Count != 60 || res.HandshakesPerSec <= 0 || res.Server == nil || res.Server.RSSBaseBytes <= 0 || res.Connected != 60 {
		t.Fatalf("result %+v server %+v", res, res.Server)
	}
}

func TestConnectRate(t *testing.T) {
	addr := startLib(t, "gorilla")
	cfg := short("ws://" + addr)
	cfg.Scenario, cfg.Conns, cfg.ConnectRate, cfg.Hold = Connect, 20, 100, 0
	start := time.Now()
	res := run(t, cfg)
	clean(t, res)
	if d := time.Since(start); d < 180*time.Millisecond || res.HandshakesPerSec > 115 {
		t.Fatalf("20 dials at 100/s took %v (%v handshakes/s)", d, res.HandshakesPerSec)
	}
}

func TestSockJS(t *testing.T) {
	addr := startLib(t, "sockjs")
	cfg := short("ws://" + addr)
	cfg.Proto = "sockjs"
	res := run(t, cfg)
	clean(t, res)
	if res.Variant != "sockjs-websocket" {
		t.Fatalf("variant %q", res.Variant)
	}
	cfg.Scenario, cfg.Rate, cfg.Publishers = Broadcast, 300, 1
	clean(t, run(t, cfg))
}

func TestHTTP(t *testing.T) {
	addr := startLib(t, "rest")
	cfg := short("http://" + addr)
	res := run(t, cfg)
	clean(t, res)
	if res.Window != 1 || float64(res.Requests) < 0.95*float64(res.Received) || res.Variant != "http-keepalive" {
		t.Fatalf("window %d requests %d received %d", res.Window, res.Requests, res.Received)
	}
	cfg.Rate = 1000
	clean(t, run(t, cfg))

	cfg.Rate, cfg.Scenario, cfg.Conns, cfg.PollInterval = 300, Broadcast, 3, 20*time.Millisecond
	res = run(t, cfg)
	clean(t, res)
	if res.Expected != 3*res.Sent || res.Requests < res.Sent || res.PollInterval != 20 {
		t.Fatalf("broadcast: %+v", res)
	}
	// A second run on the same server starts after the first one's messages.
	clean(t, run(t, cfg))
}

// faultyServer echoes with gorilla (an implementation independent of the
// client) and lets misbehave rewrite the n-th message of the whole server
// (counting from 0) into what is actually sent.
func faultyServer(t *testing.T, misbehave func(n int64, p []byte, held *[][]byte) [][]byte) string {
	t.Helper()
	var count atomic.Int64
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		var held [][]byte
		for {
			mt, p, err := c.ReadMessage()
			if err != nil {
				return
			}
			for _, q := range misbehave(count.Add(1)-1, p, &held) {
				if err := c.WriteMessage(mt, q); err != nil {
					return
				}
			}
		}
	}))
	t.Cleanup(func() { srv.CloseClientConnections(); srv.Close() })
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

func TestFaultsAreCaught(t *testing.T) {
	const at = 50
	cases := []struct {
		name      string
		misbehave func(n int64, p []byte, held *[][]byte) [][]byte
		check     func(r *result.Result) bool
	}{
		{"drop", func(n int64, p []byte, _ *[][]byte) [][]byte {
			if n == at {
				return nil
			}
			return [][]byte{p}
		}, func(r *result.Result) bool { return r.Lost == 1 && r.Duplicated+r.Reordered+r.Corrupt == 0 }},
		{"duplicate", func(n int64, p []byte, _ *[][]byte) [][]byte {
			if n == at {
				return [][]byte{p, p}
			}
			return [][]byte{p}
		}, func(r *result.Result) bool { return r.Duplicated == 1 && r.Lost+r.Reordered+r.Corrupt == 0 }},
		{"corrupt", func(n int64, p []byte, _ *[][]byte) [][]byte {
			if n == at {
				q := append([]byte(nil), p...)
				q[len(q)-1] ^= 0x20 // one letter of the filler changes case
				return [][]byte{q}
			}
			return [][]byte{p}
		}, func(r *result.Result) bool { return r.Corrupt == 1 && r.Lost+r.Duplicated+r.Reordered == 0 }},
		{"reorder", func(n int64, p []byte, held *[][]byte) [][]byte {
			switch {
			case n == at:
				*held = append(*held, p)
				return nil
			case len(*held) > 0:
				out := [][]byte{p, (*held)[0]}
				*held = nil
				return out
			}
			return [][]byte{p}
		}, func(r *result.Result) bool { return r.Reordered == 1 && r.Lost+r.Duplicated+r.Corrupt == 0 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := short(faultyServer(t, c.misbehave))
			cfg.Conns, cfg.Window = 1, 4
			res := run(t, cfg)
			if !res.Failed || !c.check(res) {
				t.Fatalf("failed %v (%s): lost %d dup %d reordered %d corrupt %d",
					res.Failed, res.Failure, res.Lost, res.Duplicated, res.Reordered, res.Corrupt)
			}
			if res.Received < 100 {
				t.Fatalf("only %d messages received", res.Received)
			}
		})
	}
}

// broadcastServer fans every message out to every connection and drops
// the at-th delivery to the second subscriber that connected.
func lossyBroadcastServer(t *testing.T, at int64) string {
	t.Helper()
	var mu sync.Mutex
	var conns []*websocket.Conn
	var n atomic.Int64
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		mu.Lock()
		conns = append(conns, c)
		mu.Unlock()
		for {
			mt, p, err := c.ReadMessage()
			if err != nil {
				return
			}
			mu.Lock()
			for i, d := range conns {
				if i == 1 && n.Add(1) == at {
					continue
				}
				_ = d.WriteMessage(mt, p)
			}
			mu.Unlock()
		}
	}))
	t.Cleanup(func() { srv.CloseClientConnections(); srv.Close() })
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

func TestBroadcastLossCaught(t *testing.T) {
	cfg := short(lossyBroadcastServer(t, 120))
	cfg.Scenario, cfg.Conns, cfg.Rate = Broadcast, 3, 500
	res := run(t, cfg)
	if !res.Failed || res.Lost != 1 || res.Received != res.Expected-1 {
		t.Fatalf("failed %v (%s): lost %d expected %d received %d", res.Failed, res.Failure, res.Lost, res.Expected, res.Received)
	}
}

// stallServer echoes, and sleeps 200 ms once, at the at-th message.
func stallServer(t *testing.T, at int64) string {
	var n atomic.Int64
	return faultyServer(t, func(i int64, p []byte, _ *[][]byte) [][]byte {
		if n.Add(1) == at {
			time.Sleep(200 * time.Millisecond)
		}
		return [][]byte{p}
	})
}

func TestOpenLoopSeesStall(t *testing.T) {
	// At 1000 msgs/s a 200 ms stall delays about 200 of 1000 messages by
	// 0..200 ms; measured from intended send times, p99 is well above 100 ms.
	cfg := short(stallServer(t, 300))
	cfg.Conns, cfg.Rate, cfg.Warmup, cfg.Duration = 2, 1000, 0, time.Second
	res := run(t, cfg)
	clean(t, res)
	if res.LatencyUS.P99 < 100e3 || res.LatencyUS.Max < 180e3 {
		t.Fatalf("stall invisible: %+v", res.LatencyUS)
	}
}

func TestOpenLoopHTTPCorrectsCoordinatedOmission(t *testing.T) {
	// Over HTTP a stalled request holds its connection: the messages due
	// meanwhile go out late, and their latency counts from when they were
	// due. Without that correction only one sample would show the stall.
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if n.Add(1) == 300 {
			time.Sleep(200 * time.Millisecond)
		}
		_, _ = w.Write(b)
	}))
	t.Cleanup(srv.Close)
	cfg := short(srv.URL)
	cfg.Conns, cfg.Rate, cfg.Warmup, cfg.Duration = 1, 1000, 0, time.Second
	res := run(t, cfg)
	clean(t, res)
	if res.LatencyUS.P99 < 100e3 || res.LatencyUS.P90 < 20e3 {
		t.Fatalf("stall not corrected for: %+v", res.LatencyUS)
	}
}

func TestUnreachable(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	start := time.Now()
	res := run(t, short("ws://"+addr))
	if !res.Failed || !strings.Contains(res.Failure, "refused") || res.Errors["dial_refused"] == 0 {
		t.Fatalf("failed %v: %s %v", res.Failed, res.Failure, res.Errors)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("took %v", d)
	}
	// A port that accepts but never answers the handshake.
	ln, _ = net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	cfg := short("ws://" + ln.Addr().String())
	cfg.DialTimeout = 300 * time.Millisecond
	res = run(t, cfg)
	if !res.Failed || res.Errors["dial_timeout"] == 0 {
		t.Fatalf("silent server: %s %v", res.Failure, res.Errors)
	}
}

func TestServerDiesMidRun(t *testing.T) {
	var mu sync.Mutex
	var raw []net.Conn
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		mu.Lock()
		raw = append(raw, c.NetConn())
		mu.Unlock()
		echoLoop(c)
	}))
	t.Cleanup(srv.Close)
	time.AfterFunc(400*time.Millisecond, func() { // the "process" dies: every connection drops
		mu.Lock()
		defer mu.Unlock()
		for _, c := range raw {
			c.Close()
		}
	})
	cfg := short("ws" + strings.TrimPrefix(srv.URL, "http"))
	cfg.Duration = 5 * time.Second
	start := time.Now()
	res := run(t, cfg)
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("run went on for %v after the server died", d)
	}
	if !res.Failed || !strings.Contains(res.Failure, "connection") || res.Received == 0 || res.DurationS <= 0 || res.DurationS > 1 {
		t.Fatalf("failed %v (%s), received %d over %v s", res.Failed, res.Failure, res.Received, res.DurationS)
	}
}

func echoLoop(c *websocket.Conn) {
	for {
		mt, p, err := c.ReadMessage()
		if err != nil {
			return
		}
		if c.WriteMessage(mt, p) != nil {
			return
		}
	}
}

func TestHardTimeout(t *testing.T) {
	addr := startLib(t, "gorilla")
	cfg := short("ws://" + addr)
	cfg.Duration, cfg.Timeout = 10*time.Second, 500*time.Millisecond
	start := time.Now()
	res := run(t, cfg)
	if d := time.Since(start); d > 3*time.Second || !res.Failed || res.Errors["timeout"] != 1 {
		t.Fatalf("after %v: failed %v %s %v", d, res.Failed, res.Failure, res.Errors)
	}
}

func TestServerPIDGone(t *testing.T) {
	cfg := short("ws://127.0.0.1:1")
	cfg.ServerPID = 1 << 22
	_, err := Run(context.Background(), cfg)
	var ue *UsageError
	if !errors.As(err, &ue) {
		t.Fatalf("got %v", err)
	}
}

func TestCheck(t *testing.T) {
	bad := []Config{
		{},
		{URL: "ftp://x"},
		{URL: "ws://x", Scenario: "nope"},
		{URL: "ws://x", Size: 10},
		{URL: "ws://x", Rate: -1},
		{URL: "ws://x", Scenario: Broadcast},
		{URL: "http://x", Window: 4},
		{URL: "ws://x", Rate: 10, Window: 4},
		{URL: "ws://x", Conns: 100000},
		{URL: "ws://10.0.0.1:80", LocalAddrs: 2},
		{URL: "ws://x", Conns: -1},
		{URL: "ws://x", Transport: wire.XHRPolling},
		{URL: "ws://x", Proto: wire.SockJS, Transport: "ajax"},
		{URL: "ws://x", Proto: wire.SockJS, Scenario: Connect, Transport: wire.XHRStreaming},
		{URL: "http://x", HTTP: wire.HTTPOptions{Subscribe: wire.SSE}},
		{URL: "ws://x", Scenario: Broadcast, Rate: 1, HTTP: wire.HTTPOptions{Subscribe: wire.LongPoll}},
		{URL: "http://x", Scenario: Broadcast, Rate: 1, HTTP: wire.HTTPOptions{Subscribe: 7}},
		{URL: "ws://x", HTTP: wire.HTTPOptions{NewConnPerRequest: true}},
		{URL: "ws://x", Rate: 10, Active: 1.5},
		{URL: "ws://x", Rate: 10, Active: -0.1},
		{URL: "ws://x", Active: 0.5},                                // closed loop
		{URL: "ws://x", Scenario: Broadcast, Rate: 10, Active: 0.5}, // not echo
		{URL: "ws://x", Nodes: []string{"127.0.0.1:9"}},
		{URL: "http://x", Scenario: Broadcast, Rate: 1, Nodes: []string{"127.0.0.1:9"}},
		{URL: "ws://x", Scenario: Broadcast, Rate: 1, Nodes: []string{"no-port"}},
	}
	for _, c := range bad {
		if err := c.Check(); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	c := Config{URL: "ws://127.0.0.1:9", LocalAddrs: 3}
	if err := c.Check(); err != nil || len(c.LocalIPs()) != 3 || c.Window != DefaultWindow {
		t.Fatalf("%v %v", err, c.LocalIPs())
	}
	c = Config{URL: "http://127.0.0.1:9"}
	if err := c.Check(); err != nil || c.Window != 1 || c.Proto != "http" {
		t.Fatalf("%v %+v", err, c)
	}
	variants := []struct {
		c    Config
		want string
	}{
		{Config{URL: "ws://x"}, "ws"},
		{Config{URL: "ws://x", Scenario: Connect}, "ws"},
		{Config{URL: "ws://x", Proto: wire.SockJS}, "sockjs-websocket"},
		{Config{URL: "ws://x", Proto: wire.SockJS, Transport: wire.XHRStreaming, Scenario: Broadcast, Rate: 1}, "sockjs-xhr-streaming"},
		{Config{URL: "ws://x", Proto: wire.SockJS, Transport: wire.XHRPolling}, "sockjs-xhr-polling"},
		{Config{URL: "http://x"}, "http-keepalive"},
		{Config{URL: "http://x", Scenario: Connect}, "http-keepalive"},
		{Config{URL: "http://x", Rate: 5, HTTP: wire.HTTPOptions{NewConnPerRequest: true}}, "http-new-conn"},
		{Config{URL: "http://x", Scenario: Broadcast, Rate: 1}, "poll"},
		{Config{URL: "http://x", Scenario: Broadcast, Rate: 1, HTTP: wire.HTTPOptions{Subscribe: wire.LongPoll, NewConnPerRequest: true}}, "longpoll"},
		{Config{URL: "http://x", Scenario: Broadcast, Rate: 1, HTTP: wire.HTTPOptions{Subscribe: wire.SSE}}, "sse"},
	}
	for _, v := range variants {
		if err := v.c.Check(); err != nil || v.c.Variant() != v.want {
			t.Errorf("%+v: variant %q, want %q (%v)", v.c, v.c.Variant(), v.want, err)
		}
	}
}

// TestVariants runs every way of receiving against the real servers: HTTP
// broadcast subscribers polling, long polling and on SSE, SockJS
// subscribers on xhr-streaming and xhr-polling (publishers on websocket),
// each with one publisher at a fixed rate; echo with a new HTTP connection
// per request and over SockJS xhr-polling.
func TestVariants(t *testing.T) {
	rest := "http://" + startLib(t, "rest")
	sockjs := "ws://" + startLib(t, "sockjs")
	const rate = 250
	cases := []struct {
		variant string
		url     string
		set     func(*Config)
	}{
		{"poll", rest, func(c *Config) { c.PollInterval = 20 * time.Millisecond }},
		{"longpoll", rest, func(c *Config) { c.HTTP.Subscribe = wire.LongPoll }},
		{"sse", rest, func(c *Config) { c.HTTP.Subscribe = wire.SSE }},
		{"sockjs-xhr-streaming", sockjs, func(c *Config) { c.Proto, c.Transport = wire.SockJS, wire.XHRStreaming }},
		{"sockjs-xhr-polling", sockjs, func(c *Config) { c.Proto, c.Transport = wire.SockJS, wire.XHRPolling }},
	}
	for _, tc := range cases {
		t.Run(tc.variant, func(t *testing.T) {
			cfg := short(tc.url)
			cfg.Scenario, cfg.Conns, cfg.Publishers, cfg.Rate = Broadcast, 5, 1, rate
			tc.set(&cfg)
			res := run(t, cfg)
			clean(t, res)
			if res.Variant != tc.variant || res.Publishers != 1 || res.Expected != 5*res.Sent {
				t.Fatalf("variant %q publishers %d sent %d expected %d", res.Variant, res.Publishers, res.Sent, res.Expected)
			}
			// One publisher at a fixed rate: rate x duration messages.
			// (rate_short is not asserted: on a loaded machine a
			// publisher held up for 1% of the interval is short.)
			if want := rate * cfg.Duration.Seconds(); float64(res.Sent) < 0.95*want || float64(res.Sent) > 1.05*want ||
				res.RateShort != (res.RateAchieved < (1-result.RateTolerance)*res.RateTarget) {
				t.Fatalf("one publisher at %d/s for %v sent %d", rate, cfg.Duration, res.Sent)
			}
			if (tc.variant == "poll") != (res.PollInterval == 20) {
				t.Fatalf("poll_interval_ms %v", res.PollInterval)
			}
			// Per delivery: at least the payload in, and the requests made.
			if res.BytesPerMsg.RX < 100 || res.BytesPerMsg.TX <= 0 {
				t.Fatalf("bytes per delivery %+v", res.BytesPerMsg)
			}
			// Requests in the measured interval (counters read at its
			// edges): HTTP publishes one per message, and the subscribers'.
			switch tc.variant {
			case "poll", "longpoll":
				if res.Requests < res.Sent+5 {
					t.Fatalf("%d requests for %d messages published", res.Requests, res.Sent)
				}
			case "sse": // the streams were opened before the interval
				// The request counter is read at the interval's edges by
				// wall clock, messages count by intended send time: on a
				// loaded machine a few publishes fall on either side.
				slack := max(5, res.Sent/10)
				if res.Requests < res.Sent-slack || res.Requests > res.Sent+slack {
					t.Fatalf("%d requests for %d messages published", res.Requests, res.Sent)
				}
			case "sockjs-xhr-polling":
				if res.Requests < 5 {
					t.Fatalf("%d requests for %d messages published", res.Requests, res.Sent)
				}
			}
			if tc.variant == "poll" && res.EmptyPolls == 0 {
				t.Log("no empty poll at 20 ms with a message every 4 ms") // possible, not a fault
			}
		})
	}
	cfg := short(rest)
	cfg.HTTP.NewConnPerRequest = true
	res := run(t, cfg)
	clean(t, res)
	if res.Variant != "http-new-conn" || float64(res.Requests) < 0.95*float64(res.Received) {
		t.Fatalf("new conn: variant %q requests %d received %d", res.Variant, res.Requests, res.Received)
	}
	cfg = short(sockjs)
	cfg.Proto, cfg.Transport, cfg.Rate = wire.SockJS, wire.XHRPolling, 500
	res = run(t, cfg)
	clean(t, res)
	if res.Variant != "sockjs-xhr-polling" || res.Requests == 0 {
		t.Fatalf("sockjs echo: variant %q requests %d", res.Variant, res.Requests)
	}
}
