package gobwasepoll

import (
	"bytes"
	"net"
	"syscall"
	"time"

	"github.com/gobwas/ws"

	"github.com/wsbench/wsbench/servers/chat"
	"github.com/wsbench/wsbench/servers/hub"
	"github.com/wsbench/wsbench/servers/internal/handoff"
	"github.com/wsbench/wsbench/servers/server"
)

// route tells a WebSocket handshake on /echo, /broadcast or /chat from any other
// request by its first bytes; "" means net/http answers it.
func route(head []byte) string {
	for _, path := range []string{server.PathEcho, server.PathBroadcast, server.PathChat} {
		p := "GET " + path
		if bytes.HasPrefix(head, []byte(p)) && len(head) > len(p) {
			switch head[len(p)] {
			case ' ', '?':
				return path
			}
		}
	}
	return ""
}

// handshake upgrades one accepted connection and registers it with the
// poller; it runs in its own goroutine, which ends here.
func (s *srv) handshake(nc net.Conn) {
	_ = nc.SetDeadline(time.Now().Add(handshakeTimeout))
	var buf [16]byte // "GET /broadcast ?" fits; every request line is longer
	head, err := handoff.Sniff(nc, buf[:])
	if err != nil && len(head) == 0 {
		nc.Close()
		return
	}
	path := route(head)
	if path == "" {
		_ = nc.SetDeadline(time.Time{})
		s.hl.Push(&handoff.Conn{Conn: nc, Prefix: head})
		return
	}
	if _, err := (ws.Upgrader{}).Upgrade(&handoff.Conn{Conn: nc, Prefix: head}); err != nil {
		nc.Close() // ws.Upgrade answered the client
		return
	}
	_ = nc.SetDeadline(time.Time{})
	sc, ok := nc.(syscall.Conn)
	if !ok {
		nc.Close()
		return
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		nc.Close()
		return
	}
	fd := -1
	if err := rc.Control(func(f uintptr) { fd = int(f) }); err != nil {
		nc.Close()
		return
	}
	c := &conn{srv: s, nc: nc, rc: rc, fd: fd, broadcast: path == server.PathBroadcast}
	c.untrack = s.env.Track(c.goingAway)
	switch {
	case c.broadcast:
		c.sub = s.hub.Join(c.kick)
		go s.hub.Deliver(c.sub, func(m *hub.Msg) error {
			return c.write(m.Frame.([]byte))
		}, c.release)
	case path == server.PathChat:
		// JSON path: gobwas has no JSON helper; the worker decodes with
		// encoding/json (chat.Decode) and each room message is one frame
		// compiled once (ws.CompileFrame).
		c.chat = s.chat.Connect(c.kick)
		go s.chat.Deliver(c.chat, func(o *chat.Out) error {
			return c.write(o.Frame.([]byte))
		}, c.release)
	}
	if s.registered != nil {
		s.registered(c)
	}
	if err := s.poller.Add(fd, c.ready); err != nil {
		c.release()
	}
}
