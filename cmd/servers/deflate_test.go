package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/server"
)

// A variant the library does not declare, or a bad name, is a usage error
// before anything listens.
func TestDeflateUsage(t *testing.T) {
	for _, args := range [][]string{
		{"-lib", "xnet", "-deflate", "no-context-takeover"},
		{"-lib", "gorilla", "-deflate", "context-takeover"},
		{"-lib", "gorilla", "-deflate", "no-context-takeover", "-deflate-level", "fastest"},
		{"-lib", "gorilla", "-deflate", "sometimes"},
		{"-lib", "gobwas", "-deflate", "no-context-takeover", "-deflate-level", "best"},
	} {
		var out, errb bytes.Buffer
		if code := run(append(args, "-addr", "127.0.0.1:0"), &out, &errb); code != 2 || strings.Count(strings.TrimSpace(errb.String()), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line", args, code, errb.String())
		}
	}
}

// -deflate-variants lists exactly the registry's declared variants, and
// -deflate-support has a row per WebSocket library.
func TestDeflateLists(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"-deflate-variants"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var want []string
	rows := 0
	for _, l := range registry.All() {
		for _, d := range l.Deflate.Variants() {
			want = append(want, l.Name+"\t"+string(d.Mode)+"\t"+string(d.Level))
		}
		if l.Proto == server.ProtoWS || l.Proto == server.ProtoSockJS {
			rows++
		}
	}
	if got := strings.TrimSpace(out.String()); got != strings.Join(want, "\n") {
		t.Fatalf("-deflate-variants:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	out.Reset()
	if code := run([]string{"-deflate-support"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if n := strings.Count(out.String(), "\n"); n != rows+2 {
		t.Fatalf("-deflate-support: %d lines, want %d (header, rule, a row per WebSocket library)", n, rows+2)
	}
}
