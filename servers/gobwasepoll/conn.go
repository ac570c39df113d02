package gobwasepoll

import (
	"errors"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/gobwas/ws"

	"github.com/wsbench/wsbench/servers/chat"
	"github.com/wsbench/wsbench/servers/hub"
)

var errCloseSent = errors.New("gobwas-epoll: close frame already sent")

// conn is one upgraded connection. While idle it is this struct, its
// net.Conn and its poller entry: no goroutine, no buffer.
type conn struct {
	srv       *srv
	nc        net.Conn
	rc        syscall.RawConn
	fd        int
	broadcast bool
	sub       *hub.Sub   // broadcast only
	chat      *chat.Conn // chat only
	untrack   func()

	wmu       sync.Mutex // one frame per Write, in order
	closeSent bool       // a close frame went out: no frame may follow

	smu      sync.Mutex
	released bool
	draining bool // a close frame went out after an error: discard input until EOF
}

// ready is the poller's callback: the connection has input.
func (c *conn) ready() { c.srv.tasks <- c }

// rearm waits for the next input, unless the connection is gone.
func (c *conn) rearm() {
	c.smu.Lock()
	defer c.smu.Unlock()
	if !c.released && c.srv.poller.Rearm(c.fd) != nil {
		c.releaseLocked()
	}
}

// release ends the connection: off the poller (before the descriptor is
// closed and its number reused), closed, untracked, out of the hub.
func (c *conn) release() {
	c.smu.Lock()
	defer c.smu.Unlock()
	c.releaseLocked()
}

func (c *conn) releaseLocked() {
	if c.released {
		return
	}
	c.released = true
	_ = c.srv.poller.Remove(c.fd)
	_ = c.nc.Close()
	if c.sub != nil {
		c.srv.hub.Leave(c.sub)
	}
	if c.chat != nil {
		c.srv.chat.Disconnect(c.chat)
	}
	c.untrack()
}

// write writes p, exactly one frame, to the socket.
func (c *conn) write(p []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.closeSent {
		return errCloseSent
	}
	if len(p) > 0 && ws.OpCode(p[0]&0x0f) == ws.OpClose {
		c.closeSent = true
	}
	_, err := c.nc.Write(p)
	return err
}

// writeClose sends a close frame with code and reason, unless one was sent.
func (c *conn) writeClose(code ws.StatusCode, reason string) error {
	if len(reason) > ws.MaxControlFramePayloadSize-2 {
		reason = reason[:ws.MaxControlFramePayloadSize-2]
	}
	f, err := ws.CompileFrame(ws.NewCloseFrame(ws.NewCloseFrameBody(code, reason)))
	if err != nil {
		return err
	}
	return c.write(f)
}

// closeAndWait sends a close frame and gives the peer closeWait to answer
// (its answer, read by a worker, releases the connection sooner).
func (c *conn) closeAndWait(code int, reason string, writeTimeout time.Duration) {
	_ = c.nc.SetWriteDeadline(time.Now().Add(writeTimeout)) // frees a write stuck on a client that does not read
	if c.writeClose(ws.StatusCode(code), reason) != nil {
		c.release()
		return
	}
	time.AfterFunc(closeWait, c.release)
}

// goingAway is the connection's CloseFunc for shutdown.
func (c *conn) goingAway(code int, reason string) { c.closeAndWait(code, reason, time.Second) }

// kick drops a subscriber that fell a full queue behind.
func (c *conn) kick(code int, reason string) {
	_ = c.nc.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
	_ = c.writeClose(ws.StatusCode(code), reason)
	c.release()
}
