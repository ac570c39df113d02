package chatapp

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/wsbench/wsbench/servers/chat"
	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/server"
)

func start(t *testing.T, name string, bundle []byte) *App {
	t.Helper()
	lib, ok := registry.Lookup(name)
	if !ok {
		t.Fatalf("no library %q", name)
	}
	a, err := Start(lib, "127.0.0.1:0", "127.0.0.1:0", bundle)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := a.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return a
}

func get(t *testing.T, url string) (int, string, []byte) {
	t.Helper()
	cl := &http.Client{Timeout: 10 * time.Second}
	resp, err := cl.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

func TestRefusesLibraryWithoutChat(t *testing.T) {
	if _, err := Start(rest(), "127.0.0.1:0", "127.0.0.1:0", nil); !errors.Is(err, ErrNoChat) {
		t.Fatalf("REST baseline: %v, want ErrNoChat", err)
	}
	lib, _ := registry.Lookup("sockjs")
	if _, err := Start(lib, "127.0.0.1:0", "127.0.0.1:0", nil); !errors.Is(err, ErrNoBundle) {
		t.Fatalf("sockjs without bundle: %v, want ErrNoBundle", err)
	}
}

// The page loads nothing from elsewhere: every script is inline or served
// by the app itself.
func TestPageSelfContained(t *testing.T) {
	if ext := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//`).FindAll(Page(), -1); len(ext) > 0 {
		t.Fatalf("page refers to other hosts: %q", ext)
	}
}

func TestServesPageConfigAndBundle(t *testing.T) {
	a := start(t, "gorilla", nil)
	code, typ, body := get(t, a.PageURL)
	if code != http.StatusOK || typ != "text/html; charset=utf-8" || string(body) != string(Page()) {
		t.Fatalf("page: %d %q, %d bytes", code, typ, len(body))
	}
	_, typ, body = get(t, a.PageURL+PathConfig[1:])
	var cfg Config
	if err := json.Unmarshal(body, &cfg); err != nil || typ != "application/json" {
		t.Fatalf("config %q (%s): %v", body, typ, err)
	}
	_, port, _ := net.SplitHostPort(a.ServerAddr)
	if cfg.Lib != "gorilla" || cfg.Proto != server.ProtoWS || strconv.Itoa(cfg.Port) != port || cfg.Path != server.PathChat {
		t.Fatalf("config %+v, want gorilla, ws, port %s, %s", cfg, port, server.PathChat)
	}
	if code, _, _ := get(t, a.PageURL+PathSockJS[1:]); code != http.StatusNotFound {
		t.Fatalf("bundle of a WebSocket library: %d, want 404", code)
	}
	b := start(t, "sockjs", []byte("// bundle"))
	if code, typ, body := get(t, b.PageURL+PathSockJS[1:]); code != http.StatusOK || typ != "application/javascript" || string(body) != "// bundle" {
		t.Fatalf("bundle: %d %q %q", code, typ, body)
	}
}

// A client of the chat server shows in the counters the page polls.
func TestStatsCountChat(t *testing.T) {
	a := start(t, "gorilla", nil)
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	c, _, err := d.Dial("ws://"+a.ServerAddr+server.PathChat, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	for _, in := range []chat.In{{Type: chat.TypeJoin, Room: "a"}, {Type: chat.TypePublish, Room: "a", Seq: 1, Text: "hi"}} {
		if err := c.WriteJSON(in); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{chat.TypeJoined, chat.TypeMessage} {
		var m chat.Message
		if err := c.ReadJSON(&m); err != nil || m.Type != want {
			t.Fatalf("got %+v, %v; want %s", m, err, want)
		}
	}
	_, _, body := get(t, a.PageURL+PathStats[1:])
	var st Stats
	if err := json.Unmarshal(body, &st); err != nil {
		t.Fatal(err)
	}
	// the client's two messages are in; its two answers are out once
	// written, which they are, since it read them.
	if st.ConnsNow != 1 || st.MsgsIn != 2 || st.MsgsOut < 1 || st.UnixMilli == 0 {
		t.Fatalf("stats %+v: want 1 connection, 2 messages in, at least one out, a time", st)
	}
}

func rest() server.Library {
	l, _ := registry.Lookup("rest")
	return l
}
