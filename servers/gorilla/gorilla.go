// Package gorilla serves echo and broadcast with github.com/gorilla/websocket.
//
// Idioms: echo streams each message through NextReader/NextWriter without
// a per-message allocation; write buffers come from a pool between writes;
// broadcast encodes each message once as a PreparedMessage; one writer
// goroutine per subscriber (the library allows one concurrent writer).
package gorilla

import (
	"bytes"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/wsbench/wsbench/servers/hub"
	"github.com/wsbench/wsbench/servers/server"
)

type srv struct {
	env *server.Env
	up  websocket.Upgrader
	hub *hub.Hub
}

// New returns the gorilla server.
func New(env *server.Env) server.Server {
	s := &srv{
		env: env,
		up: websocket.Upgrader{
			ReadBufferSize:  4096,
			WriteBufferSize: 4096,
			WriteBufferPool: &sync.Pool{},
			CheckOrigin:     func(*http.Request) bool { return true },
		},
	}
	s.hub = hub.New(env, func(binary bool, p []byte) any {
		pm, _ := websocket.NewPreparedMessage(opcode(binary), p)
		return pm
	})
	return server.NewHTTP(env, http.HandlerFunc(s.echo), http.HandlerFunc(s.broadcast))
}

func opcode(binary bool) int {
	if binary {
		return websocket.BinaryMessage
	}
	return websocket.TextMessage
}

// accept upgrades and registers the connection; the caller must call the
// returned release function.
func (s *srv) accept(w http.ResponseWriter, r *http.Request) (*websocket.Conn, func(), bool) {
	c, err := s.up.Upgrade(w, r, nil)
	if err != nil {
		return nil, nil, false // Upgrade already answered the client
	}
	c.SetReadLimit(s.env.MaxMessageSize)
	untrack := s.env.Track(func(code int, reason string) {
		deadline := time.Now().Add(time.Second)
		_ = c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), deadline)
		_ = c.SetReadDeadline(deadline) // the read loop ends and closes the conn
	})
	return c, func() { c.Close(); untrack() }, true
}

func (s *srv) echo(w http.ResponseWriter, r *http.Request) {
	c, release, ok := s.accept(w, r)
	if !ok {
		return
	}
	defer release()
	for {
		mt, rd, err := c.NextReader()
		if err != nil {
			return
		}
		s.env.Stats.MsgsIn.Add(1)
		wr, err := c.NextWriter(mt)
		if err != nil {
			return
		}
		if _, err := io.Copy(wr, rd); err != nil {
			return
		}
		if err := wr.Close(); err != nil {
			return
		}
		s.env.Stats.MsgsOut.Add(1)
	}
}

func (s *srv) broadcast(w http.ResponseWriter, r *http.Request) {
	c, release, ok := s.accept(w, r)
	if !ok {
		return
	}
	defer release()
	sub := s.hub.Join(func(code int, reason string) {
		_ = c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(100*time.Millisecond))
		_ = c.Close()
	})
	defer s.hub.Leave(sub)
	go s.hub.Deliver(sub, func(m *hub.Msg) error {
		return c.WritePreparedMessage(m.Frame.(*websocket.PreparedMessage))
	}, func() { _ = c.Close() })
	var buf bytes.Buffer
	for {
		mt, rd, err := c.NextReader()
		if err != nil {
			return
		}
		buf.Reset()
		if _, err := buf.ReadFrom(rd); err != nil {
			return
		}
		s.env.Stats.MsgsIn.Add(1)
		s.hub.Publish(mt == websocket.BinaryMessage, buf.Bytes())
	}
}
