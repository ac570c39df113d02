package scenario

import (
	"errors"
	"testing"
	"time"

	"github.com/wsbench/wsbench/loadgen/payload"
	"github.com/wsbench/wsbench/loadgen/wire"
	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/server"
	"github.com/wsbench/wsbench/servers/servertest"
)

// startDeflate runs a registered server in this process in variant mode.
func startDeflate(t *testing.T, name string, mode server.DeflateMode) string {
	t.Helper()
	lib, ok := registry.Lookup(name)
	if !ok {
		t.Fatalf("no library %q", name)
	}
	env := server.NewEnv()
	env.Deflate = server.Deflate{Mode: mode, Level: server.LevelDefault}
	return servertest.StartEnv(t, lib, env).Addr
}

// TestDeflateScenarios: echo and broadcast with permessage-deflate verify
// every message, report the variant negotiated, and count message bytes
// beside the wire's: compressible kinds save, random bytes do not.
func TestDeflateScenarios(t *testing.T) {
	for _, tc := range []struct {
		name     string
		lib      string
		mode     server.DeflateMode
		proto    wire.Proto
		scenario string
		kind     payload.Kind
		want     string // negotiated
		compress bool   // wire ratio well below 1 both ways
	}{
		{"gorilla echo json", "gorilla", server.DeflateNoContextTakeover, wire.WS, Echo, payload.JSON, "no-context-takeover", true},
		{"coder echo chat takeover", "coder", server.DeflateContextTakeover, wire.WS, Echo, payload.ChatJSON, "context-takeover", true},
		{"gws echo random", "gws", server.DeflateContextTakeover, wire.WS, Echo, payload.Random, "context-takeover", false},
		{"gws broadcast json", "gws", server.DeflateContextTakeover, wire.WS, Broadcast, payload.JSON, "context-takeover", true},
		{"gobwas broadcast chat", "gobwas", server.DeflateNoContextTakeover, wire.WS, Broadcast, payload.ChatJSON, "no-context-takeover", true},
		{"gobwas echo json", "gobwas", server.DeflateNoContextTakeover, wire.WS, Echo, payload.JSON, "no-context-takeover", true},
		{"sockjs echo json", "sockjs", server.DeflateNoContextTakeover, wire.SockJS, Echo, payload.JSON, "no-context-takeover", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := startDeflate(t, tc.lib, tc.mode)
			cfg := short("ws://" + addr)
			cfg.Proto = tc.proto
			cfg.Scenario = tc.scenario
			cfg.Size = 4096
			cfg.Payload = tc.kind
			cfg.Deflate = wire.DeflateContextTakeover
			if tc.scenario == Broadcast {
				cfg.Rate = 200
			} else {
				cfg.Window = 2
			}
			res := run(t, cfg)
			clean(t, res)
			if res.Deflate != tc.want || res.PayloadKind != string(tc.kind) {
				t.Fatalf("deflate %q payload %q, want %q %q", res.Deflate, res.PayloadKind, tc.want, tc.kind)
			}
			pay, ratio := res.PayloadPerMsg, res.WireRatio
			if pay == nil || ratio == nil {
				t.Fatal("no payload_per_msg or wire_ratio")
			}
			// Per message as bytes_per_msg counts them: from counters read
			// at the measured interval's edges, approximate with messages
			// in flight then (more so on a loaded machine), so only their
			// presence and the ratio's side of 1 are checked.
			if pay.RX <= 0 || pay.TX <= 0 {
				t.Errorf("payload per message %+v", *pay)
			}
			if tc.compress && (ratio.RX <= 0 || ratio.RX > 0.6 || ratio.TX <= 0 || ratio.TX > 0.6) {
				t.Errorf("wire ratio %+v: compressible messages not compressed", *ratio)
			}
			if !tc.compress && (ratio.RX < 0.9 || ratio.TX < 0.9) {
				t.Errorf("wire ratio %+v for random bytes", *ratio)
			}
		})
	}
}

// TestDeflateConnectEcho: the connect scenario with -deflate and
// -connect-echo echoes one message on every connection before the hold
// and one after, and reports the variant negotiated.
func TestDeflateConnectEcho(t *testing.T) {
	cfg := short("ws://" + startDeflate(t, "gws", server.DeflateContextTakeover))
	cfg.Scenario = Connect
	cfg.Hold = 100 * time.Millisecond
	cfg.Deflate = wire.DeflateContextTakeover
	cfg.ConnectEcho = true
	res := run(t, cfg)
	clean(t, res)
	if res.Deflate != "context-takeover" || !res.ConnectEcho || res.Received != int64(cfg.Conns) {
		t.Fatalf("deflate %q connect_echo %v received %d of %d", res.Deflate, res.ConnectEcho, res.Received, cfg.Conns)
	}
}

// TestDeflateOffLeavesResultAlone: without -payload and -deflate the
// result has none of the new fields.
func TestDeflateOffLeavesResultAlone(t *testing.T) {
	res := run(t, short("ws://"+startLib(t, "gorilla")))
	clean(t, res)
	if res.Deflate != "" || res.PayloadKind != "" || res.PayloadPerMsg != nil || res.WireRatio != nil {
		t.Fatalf("compression fields set without compression: %q %q %v %v", res.Deflate, res.PayloadKind, res.PayloadPerMsg, res.WireRatio)
	}
}

// TestDeflateRefused: a server that declines the offer fails the run.
func TestDeflateRefused(t *testing.T) {
	cfg := short("ws://" + startLib(t, "xnet"))
	cfg.Deflate = wire.DeflateContextTakeover
	res, err := Run(t.Context(), cfg)
	if err == nil && !res.Failed {
		t.Fatal("run against a server without permessage-deflate passed")
	}
}

func TestDeflateCheck(t *testing.T) {
	for _, c := range []Config{
		{URL: "http://x", Payload: payload.JSON},
		{URL: "ws://x", Payload: "nope"},
		{URL: "ws://x", Scenario: Connect, Payload: payload.Random},
		{URL: "ws://x", Deflate: "sometimes"},
		{URL: "http://x", Deflate: wire.DeflateContextTakeover},
		{URL: "ws://x", Proto: wire.SockJS, Transport: wire.XHRPolling, Deflate: wire.DeflateContextTakeover},
		{URL: "ws://x", ConnectEcho: true},
	} {
		err := c.Check()
		var ue *UsageError
		if !errors.As(err, &ue) {
			t.Errorf("%+v: want a usage error, got %v", c, err)
		}
	}
	c, err := Parse([]string{"-url", "ws://x", "-scenario", "connect", "-payload", "chat-json", "-deflate", "no-context-takeover", "-connect-echo"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Payload != payload.ChatJSON || c.Deflate != wire.DeflateNoContextTakeover {
		t.Fatalf("parsed %q %q", c.Payload, c.Deflate)
	}
	back, err := Parse(c.Args())
	if err != nil || back.Payload != c.Payload || back.Deflate != c.Deflate || !back.ConnectEcho {
		t.Fatalf("Args round trip: %v %q %q", err, back.Payload, back.Deflate)
	}
}
