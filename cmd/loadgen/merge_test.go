package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/wsbench/wsbench/loadgen/result"
	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/servertest"
)

func readResult(t *testing.T, path string) *result.Result {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := new(result.Result)
	if err := json.Unmarshal(b, r); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestMergeAgents runs two agents at once against one server and merges
// their results: counts add up and the latency count is the sum.
func TestMergeAgents(t *testing.T) {
	lib, _ := registry.Lookup("gorilla")
	srv := servertest.Start(t, lib)
	dir := t.TempDir()
	paths := []string{filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")}
	var wg sync.WaitGroup
	for _, p := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if code, stdout, stderr := runMain("-url", "ws://"+srv.Addr, "-conns", "2", "-window", "1", "-size", "64",
				"-warmup", "100ms", "-duration", "300ms", "-hist", "-json", p); code != 0 {
				t.Errorf("agent: exit %d: %s %s", code, stdout, stderr)
			}
		}()
	}
	wg.Wait()
	merged := filepath.Join(dir, "merged.json")
	code, stdout, stderr := runMain(append([]string{"-merge", "-json", merged}, paths...)...)
	if code != 0 {
		t.Fatalf("merge: exit %d: %s %s", code, stdout, stderr)
	}
	m := readResult(t, merged)
	var recv, count int64
	conns := 0
	for _, p := range paths {
		r := readResult(t, p)
		recv += r.Received
		count += r.LatencyUS.Count
		conns += r.Conns
	}
	if m.Received != recv || m.LatencyUS.Count != count || m.Conns != conns {
		t.Fatalf("merged received %d latency count %d conns %d; agents: %d, %d, %d", m.Received, m.LatencyUS.Count, m.Conns, recv, count, conns)
	}
}

func TestMergeErrors(t *testing.T) {
	if code, _, stderr := runMain("-merge"); code != 2 || !strings.Contains(stderr, "result files") {
		t.Errorf("-merge without files: exit %d, %q", code, stderr)
	}
	if code, _, _ := runMain("-merge", filepath.Join(t.TempDir(), "missing.json")); code != 1 {
		t.Errorf("missing file: exit %d, want 1", code)
	}
}
