package handoff

import (
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

func TestSniffThenServeHTTP(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	hl := NewListener(ln.Addr())
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.URL.Path)
	})}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(hl) }()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		var buf [16]byte
		head, err := Sniff(c, buf[:])
		if err != nil || string(head[:4]) != "GET " {
			c.Close()
			return
		}
		c.SetDeadline(time.Time{})
		hl.Push(&Conn{Conn: c, Prefix: head})
	}()
	cl := &http.Client{Timeout: 10 * time.Second}
	resp, err := cl.Get("http://" + ln.Addr().String() + "/a/long/path/beyond/sixteen/bytes")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "/a/long/path/beyond/sixteen/bytes" {
		t.Fatalf("body %q", body)
	}
	hl.Close()
	if err := <-served; !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Serve returned %v, want net.ErrClosed", err)
	}
}

func TestSniffStopsAtLineEnd(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	go func() { a.Write([]byte("ECHO\n")); a.Write([]byte("more")) }()
	var buf [16]byte
	got, err := Sniff(b, buf[:])
	if err != nil || string(got) != "ECHO\n" {
		t.Fatalf("Sniff = %q, %v", got, err)
	}
}
