package registry_test

import (
	"testing"

	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/server"
	"github.com/wsbench/wsbench/servers/servertest"
)

// TestConformance runs the shared behaviour checks (servers/servertest)
// against every registered server, among them, for proto ws, the RFC 6455
// cases of loadgen/conformance: by default the first and the last case of
// each category; every case with WSBENCH_CONFORMANCE=all, e.g.
//
//	WSBENCH_CONFORMANCE=all go test ./servers/registry -run 'TestConformance/.*/Conformance'
func TestConformance(t *testing.T) {
	for _, lib := range registry.All() {
		t.Run(lib.Name, func(t *testing.T) {
			servertest.Run(t, lib)
		})
	}
}

func TestRegistryNames(t *testing.T) {
	seen := map[string]bool{}
	for _, lib := range registry.All() {
		if lib.Name == "" || lib.New == nil || lib.Proto == "" {
			t.Errorf("incomplete registry entry %+v", lib)
		}
		if seen[lib.Name] {
			t.Errorf("duplicate name %q", lib.Name)
		}
		seen[lib.Name] = true
		if got, ok := registry.Lookup(lib.Name); !ok || got.Name != lib.Name {
			t.Errorf("Lookup(%q) failed", lib.Name)
		}
	}
	if _, ok := registry.Lookup("no-such-lib"); ok {
		t.Error("Lookup found a library that does not exist")
	}
}

// TestChatEntries: every WebSocket and SockJS server speaks the chat
// protocol; the REST baseline and plain TCP do not (nothing emulated).
func TestChatEntries(t *testing.T) {
	for _, lib := range registry.All() {
		want := lib.Proto == server.ProtoWS || lib.Proto == server.ProtoSockJS
		if lib.Chat != want {
			t.Errorf("%s (proto %s): Chat is %v, want %v", lib.Name, lib.Proto, lib.Chat, want)
		}
	}
}
