package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestBadUsage(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.js")
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"-nope"}, "flag provided but not defined"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"-lib", "nope"}, `"nope" is not a library with chat`},
		{[]string{"-lib", "rest"}, `"rest" is not a library with chat`},
		{[]string{"-addr", "8080"}, `-addr "8080"`},
		{[]string{"-server-port", "70000"}, "-server-port 70000"},
		{[]string{"-lib", "sockjs", "-sockjs-client", missing}, "sockjs-client bundle"},
	} {
		var out, errb bytes.Buffer
		code := run(context.Background(), tc.args, &out, &errb)
		if code != 2 || !strings.Contains(errb.String(), tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tc.args, code, errb.String(), tc.msg)
		}
	}
}

func TestAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"-addr", ln.Addr().String()}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "address already in use") {
		t.Fatalf("exit %d, stderr %q; want 1 and the address in use", code, errb.String())
	}
}

// TestServeUntilCancelled starts the demo, fetches its page and stops it
// the way a signal does.
func TestServeUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	var errb bytes.Buffer
	go func() {
		code := run(ctx, []string{"-addr", "127.0.0.1:0"}, pw, &errb)
		pw.Close()
		done <- code
	}()
	first, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("no first line: %v (stderr %q)", err, errb.String())
	}
	go io.Copy(io.Discard, pr)
	_, url, ok := strings.Cut(strings.TrimSpace(first), "open ")
	url, _, _ = strings.Cut(url, " ")
	if !ok || !strings.HasPrefix(url, "http://127.0.0.1:") || !strings.Contains(first, "gorilla chat at 127.0.0.1:") {
		t.Fatalf("first line %q: want the library, its chat address and the page URL", first)
	}
	cl := &http.Client{Timeout: 10 * time.Second}
	resp, err := cl.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte("window.chat")) {
		t.Fatalf("page: %s, %d bytes; want 200 and the chat page", resp.Status, len(body))
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d after cancel, stderr %q", code, errb.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("demo still running 20s after cancel")
	}
}
