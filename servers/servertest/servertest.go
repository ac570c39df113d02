// Package servertest starts registered servers in-process and checks that
// each behaves exactly as the suite specifies (echo, broadcast, slow-client
// policy, limits, close handshake, shutdown, hostile input). The checks are
// written once and run for every library in the registry.
package servertest

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/wsbench/wsbench/servers/server"
)

// Running is a server started for one test.
type Running struct {
	Lib  server.Library
	Env  *server.Env
	Srv  server.Server
	Addr string // host:port
	// Stop shuts the server down (CloseGoingAway) and waits for Serve to
	// return; it is also registered with t.Cleanup and safe to call twice.
	Stop func() error
}

// URL returns scheme://addr+path.
func (r *Running) URL(scheme, path string) string { return scheme + "://" + r.Addr + path }

// Start runs lib's server on a free loopback port until the test ends.
func Start(tb testing.TB, lib server.Library) *Running {
	tb.Helper()
	return StartEnv(tb, lib, server.NewEnv())
}

// StartEnv is Start with the server built from env (for other limits).
func StartEnv(tb testing.TB, lib server.Library, env *server.Env) *Running {
	tb.Helper()
	srv := lib.New(env)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("listen: %v", err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	r := &Running{Lib: lib, Env: env, Srv: srv, Addr: ln.Addr().String()}
	var (
		mu      sync.Mutex
		stopped bool
		stopErr error
	)
	r.Stop = func() error {
		mu.Lock()
		defer mu.Unlock()
		if stopped {
			return stopErr
		}
		stopped = true
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		stopErr = srv.Shutdown(ctx)
		select {
		case err := <-served:
			if stopErr == nil {
				stopErr = err
			}
		case <-ctx.Done():
			if stopErr == nil {
				stopErr = fmt.Errorf("Serve did not return after Shutdown")
			}
		}
		return stopErr
	}
	tb.Cleanup(func() {
		if err := r.Stop(); err != nil {
			tb.Errorf("%s: shutdown: %v", lib.Name, err)
		}
	})
	WaitHealthy(tb, r.Addr)
	return r
}

// WaitHealthy polls /healthz until it answers 200 or 5 s pass.
func WaitHealthy(tb testing.TB, addr string) {
	tb.Helper()
	cl := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := cl.Get("http://" + addr + server.PathHealth)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("server at %s not healthy after 5s (last error %v)", addr, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Stats fetches /stats.
func Stats(tb testing.TB, addr string) server.Snapshot {
	tb.Helper()
	cl := &http.Client{Timeout: 2 * time.Second}
	resp, err := cl.Get("http://" + addr + server.PathStats)
	if err != nil {
		tb.Fatalf("GET /stats: %v", err)
	}
	defer resp.Body.Close()
	var s server.Snapshot
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		tb.Fatalf("decode /stats: %v", err)
	}
	return s
}

// Eventually polls cond every 10 ms until it holds or timeout passes. It is
// for conditions the test cannot be signalled about (a counter inside the
// server process), never for ordering the test's own goroutines.
func Eventually(tb testing.TB, timeout time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
