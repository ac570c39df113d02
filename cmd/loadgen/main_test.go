package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wsbench/wsbench/loadgen/result"
	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/servertest"
)

func runMain(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsageErrors(t *testing.T) {
	cases := [][]string{
		{},
		{"-url", "ws://127.0.0.1:1", "-conns", "0"},
		{"-url", "ws://127.0.0.1:1", "-window", "0"},
		{"-url", "ws://127.0.0.1:1", "-size", "10"},
		{"-url", "ws://127.0.0.1:1", "-scenario", "chat"},
		{"-url", "ws://127.0.0.1:1", "-proto", "mqtt"},
		{"-url", "ws://127.0.0.1:1", "-duration", "0s"},
		{"-url", "ws://127.0.0.1:1", "-duration", "soon"},
		{"-url", "ws://127.0.0.1:1", "-rate", "-5"},
		{"-url", "ws://127.0.0.1:1", "-scenario", "broadcast"},
		{"-url", "http://127.0.0.1:1", "-window", "8"},
		{"-url", "ws://127.0.0.1:1", "-conns", "50000"},
		{"-url", "ws://127.0.0.1:1", "-http-subscribe", "poll"}, // removed: -subscribe
		{"-url", "ws://127.0.0.1:1", "-http-new-conn"},          // removed: -http-conn new
		{"-url", "ws://127.0.0.1:1", "-nonsense"},
		{"-url", "ws://127.0.0.1:1", "extra"},
		{"-url", "wss://127.0.0.1:1"},
	}
	for _, args := range cases {
		code, _, stderr := runMain(args...)
		if code != 2 || !strings.Contains(stderr, "usage:") {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr)
		}
	}
	if code, _, _ := runMain("-h"); code != 0 {
		t.Errorf("-h: exit %d", code)
	}
}

func TestVariantFlagErrors(t *testing.T) {
	cases := []struct {
		args []string
		msg  string
	}{
		{[]string{"-url", "http://127.0.0.1:1", "-http-conn", "close"}, "-http-conn must be keepalive or new"},
		{[]string{"-url", "http://127.0.0.1:1", "-scenario", "broadcast", "-rate", "1", "-subscribe", "push"}, "-subscribe must be poll, longpoll or sse"},
		{[]string{"-url", "ws://127.0.0.1:1", "-proto", "sockjs", "-transport", "jsonp"}, "-transport must be websocket, xhr-streaming or xhr-polling"},
		{[]string{"-url", "ws://127.0.0.1:1", "-http-conn", "new"}, "-http-conn new is for -proto http"},
		{[]string{"-url", "ws://127.0.0.1:1", "-scenario", "broadcast", "-rate", "1", "-subscribe", "sse"}, "-subscribe sse is for -proto http"},
		{[]string{"-url", "http://127.0.0.1:1", "-subscribe", "longpoll"}, "-subscribe longpoll is for the broadcast and chat scenarios"},
		{[]string{"-url", "ws://127.0.0.1:1", "-transport", "xhr-polling"}, "-transport xhr-polling is for -proto sockjs"},
		{[]string{"-url", "ws://127.0.0.1:1", "-proto", "sockjs", "-scenario", "connect", "-transport", "xhr-streaming"}, "connect scenario opens websocket sessions only"},
		{[]string{"-url", "ws://127.0.0.1:1", "-rate", "10", "-spin", "-1us"}, "-spin must be between 0"},
		{[]string{"-url", "ws://127.0.0.1:1", "-server-cpus", "-0.5"}, "-server-cpus must be 0"},
	}
	for _, c := range cases {
		code, _, stderr := runMain(c.args...)
		first, _, _ := strings.Cut(stderr, "\n")
		if code != 2 || !strings.HasPrefix(first, "loadgen: ") || !strings.Contains(first, c.msg) {
			t.Errorf("%q: exit %d, first line %q, want %q", c.args, code, first, c.msg)
		}
	}
}

func TestVariantInJSON(t *testing.T) {
	lib, _ := registry.Lookup("rest")
	srv := servertest.Start(t, lib)
	for _, c := range []struct {
		args    []string
		variant string
	}{
		{[]string{"-http-conn", "new"}, "http-new-conn"},
		{[]string{"-scenario", "broadcast", "-rate", "100", "-subscribe", "sse"}, "sse"},
	} {
		path := filepath.Join(t.TempDir(), "r.json")
		args := append([]string{"-url", "http://" + srv.Addr, "-conns", "2", "-size", "64",
			"-warmup", "50ms", "-duration", "200ms", "-json", path}, c.args...)
		if code, stdout, stderr := runMain(args...); code != 0 {
			t.Fatalf("%q: exit %d: %s %s", c.args, code, stdout, stderr)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var res result.Result
		if err := json.Unmarshal(b, &res); err != nil || res.Variant != c.variant || res.Failed {
			t.Fatalf("%q: variant %q failed %v (%v)", c.args, res.Variant, res.Failed, err)
		}
	}
}

func TestRunWritesJSON(t *testing.T) {
	lib, _ := registry.Lookup("gorilla")
	srv := servertest.Start(t, lib)
	path := filepath.Join(t.TempDir(), "r.json")
	code, stdout, stderr := runMain("-url", "ws://"+srv.Addr, "-conns", "3", "-window", "2", "-size", "64",
		"-warmup", "100ms", "-duration", "300ms", "-json", path)
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
	for _, want := range []string{"throughput", "latency µs", "faults", "result      ok"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var res result.Result
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	if res.Scenario != "echo" || res.Proto != "ws" || res.Variant != "ws" || res.Received == 0 || res.Failed || res.Window != 2 {
		t.Fatalf("json %+v", res)
	}
}

func TestRunFailureExit1(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	path := filepath.Join(t.TempDir(), "r.json")
	code, stdout, stderr := runMain("-url", "ws://"+addr, "-json", path, "-duration", "1s")
	if code != 1 || !strings.Contains(stderr, "refused") || !strings.Contains(stdout, "FAILED") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	b, _ := os.ReadFile(path)
	var res result.Result
	if err := json.Unmarshal(b, &res); err != nil || !res.Failed {
		t.Fatalf("json %s: %v", b, err)
	}
}
