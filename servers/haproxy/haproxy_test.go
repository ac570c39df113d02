package haproxy

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/server"
	"github.com/wsbench/wsbench/servers/servertest"
)

// wait bounds every network wait of the test.
const wait = 20 * time.Second

func TestConfigRefusesNodeCounts(t *testing.T) {
	for _, n := range []int{0, MaxNodes + 1} {
		if _, err := Config("127.0.0.1:1", make([]string, n), ByServerID); err == nil {
			t.Errorf("%d nodes accepted", n)
		}
	}
}

// transport is one SockJS HTTP transport: it opens a session, sends one
// message and returns what the session received back.
type transport struct {
	name  string
	round func(cl *http.Client, base, msg string) error
}

var transports = []transport{{"xhr-streaming", xhrStreaming}, {"xhr-polling", xhrPolling}}

// post sends one request and returns the response (body open) when its
// status is want.
func post(ctx context.Context, cl *http.Client, url, body string, want int) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	resp, err := cl.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != want {
		resp.Body.Close()
		return nil, fmt.Errorf("POST %s: status %d, want %d", url, resp.StatusCode, want)
	}
	return resp, nil
}

// send posts msg on the session's xhr_send.
func send(ctx context.Context, cl *http.Client, base, msg string) error {
	resp, err := post(ctx, cl, base+"/xhr_send", `["`+msg+`"]`, http.StatusNoContent)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

func xhrPolling(cl *http.Client, base, msg string) error {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	poll := func() (string, error) {
		resp, err := post(ctx, cl, base+"/xhr", "", http.StatusOK)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return strings.TrimSpace(string(b)), err
	}
	if f, err := poll(); err != nil || f != "o" {
		return fmt.Errorf("open: %q, %v", f, err)
	}
	if err := send(ctx, cl, base, msg); err != nil {
		return err
	}
	if f, err := poll(); err != nil || f != `a["`+msg+`"]` {
		return fmt.Errorf("receive: %q, %v (want the echo)", f, err)
	}
	return nil
}

func xhrStreaming(cl *http.Client, base, msg string) error {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	resp, err := post(ctx, cl, base+"/xhr_streaming", "", http.StatusOK)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	frames := bufio.NewReader(resp.Body)
	next := func() (string, error) {
		for {
			line, err := frames.ReadString('\n')
			line = strings.TrimSpace(line)
			if err != nil || (line != "h" && strings.Trim(line, "h") != "") {
				return line, err
			}
			// the prelude of h's and heartbeats
		}
	}
	if f, err := next(); err != nil || f != "o" {
		return fmt.Errorf("open: %q, %v", f, err)
	}
	if err := send(ctx, cl, base, msg); err != nil {
		return err
	}
	if f, err := next(); err != nil || f != `a["`+msg+`"]` {
		return fmt.Errorf("receive: %q, %v (want the echo)", f, err)
	}
	return nil
}

// TestSockJSStickiness runs two sockjs nodes behind haproxy. Routed by
// the server-id segment, sessions of the HTTP transports work and spread
// over both nodes; routed round-robin, a session's requests land on
// different nodes and it breaks.
func TestSockJSStickiness(t *testing.T) {
	if !Installed() {
		t.Skip("haproxy is not installed: install the distribution's haproxy package to run the SockJS stickiness test (.ci/run does)")
	}
	lib, ok := registry.Lookup("sockjs")
	if !ok {
		t.Fatal("no sockjs in the registry")
	}
	const n = 2
	var nodes []*servertest.Running
	var addrs []string
	for range n {
		r := servertest.Start(t, lib)
		nodes = append(nodes, r)
		addrs = append(addrs, r.Addr)
	}
	cl := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	sessions := 2 * n // every node twice
	for _, routing := range []Routing{ByServerID, RoundRobin} {
		t.Run(routing.String(), func(t *testing.T) {
			addr, err := FreeAddr()
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := Config(addr, addrs, routing)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), wait)
			defer cancel()
			p, err := Start(ctx, t.TempDir(), addr, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				if err := p.Stop(); err != nil {
					t.Error(err)
				}
			}()
			for _, tr := range transports {
				t.Run(tr.name, func(t *testing.T) {
					before := make([]int64, n)
					for i, r := range nodes {
						before[i] = r.Env.Stats.ConnsTotal.Load()
					}
					var failed []string
					for s := range sessions {
						base := fmt.Sprintf("http://%s%s/%s/%s-%s-%d", addr, server.PathEcho, ServerID(s, n), routing, tr.name, s)
						if err := tr.round(cl, base, fmt.Sprintf("m%d", s)); err != nil {
							failed = append(failed, fmt.Sprintf("session %d: %v", s, err))
						}
					}
					switch routing {
					case ByServerID:
						if len(failed) > 0 {
							t.Fatalf("sessions broke with server-id routing:\n%s", strings.Join(failed, "\n"))
						}
						for i, r := range nodes {
							if got := r.Env.Stats.ConnsTotal.Load() - before[i]; got != int64(sessions/n) {
								t.Errorf("node %d opened %d sessions, want %d", i, got, sessions/n)
							}
						}
					case RoundRobin:
						if len(failed) == 0 {
							t.Fatalf("all %d sessions survived round-robin: the test no longer shows why routing matters", sessions)
						}
						t.Logf("round-robin broke %d of %d sessions, first: %s", len(failed), sessions, failed[0])
					}
				})
			}
		})
	}
}
