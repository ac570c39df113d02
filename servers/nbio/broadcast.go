package nbio

import (
	"net"
	"sync/atomic"

	"github.com/lesismal/nbio"

	"github.com/wsbench/wsbench/servers/chat"
	"github.com/wsbench/wsbench/servers/hub"
)

// subscriber is a /broadcast or /chat connection's flow control: its
// writer hands nbio one frame at a time and waits until nbio has written
// all of it.
type subscriber struct {
	srv     *srv
	c       *conn
	leaveFn func()        // leaves the hub
	pending atomic.Int64  // bytes handed to nbio and not yet written
	drained chan struct{} // a token when pending reaches zero
	gone    chan struct{} // closed when the connection is closed
}

func (s *srv) newSubscriber(c *conn) *subscriber {
	b := &subscriber{srv: s, c: c, drained: make(chan struct{}, 1), gone: make(chan struct{})}
	s.writing.Store(c.nc, b)
	return b
}

// subscribe joins c to the broadcast hub and starts its writer.
func (s *srv) subscribe(c *conn) *subscriber {
	b := s.newSubscriber(c)
	sub := s.hub.Join(c.closeWith)
	b.leaveFn = func() { s.hub.Leave(sub) }
	go s.hub.Deliver(sub, func(m *hub.Msg) error { return b.write(m.Frame.([]byte)) }, func() { _ = c.ws.Close() })
	return b
}

// joinChat connects c to the chat hub and starts its writer. JSON path:
// nbio has no JSON helper; onChat decodes with encoding/json
// (chat.Decode), and each room message is compiled once into a frame
// (compileFrame) that the writer hands to nbio.
func (s *srv) joinChat(c *conn) *subscriber {
	b := s.newSubscriber(c)
	m := s.chat.Connect(c.closeWith)
	c.chat = m
	b.leaveFn = func() { s.chat.Disconnect(m) }
	go s.chat.Deliver(m, func(o *chat.Out) error { return b.write(o.Frame.([]byte)) }, func() { _ = c.ws.Close() })
	return b
}

// write hands one frame to nbio and waits until it is on the socket.
func (b *subscriber) write(f []byte) error {
	c := b.c
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return net.ErrClosed
	}
	b.pending.Add(int64(len(f))) // before Write: nbio may report it written at once
	_, err := c.nc.Write(f)
	c.mu.Unlock()
	if err != nil {
		return err
	}
	for b.pending.Load() > 0 {
		select {
		case <-b.drained:
		case <-b.gone:
			return net.ErrClosed
		}
	}
	return nil
}

// written is nbio's Engine.OnWrittenSize: n bytes of nc's write list
// reached the socket. It runs under nbio's connection lock: it only counts.
// Pongs and close frames on a subscriber's connection are counted too,
// which lets a later frame's wait end that many bytes early.
func (s *srv) written(nc *nbio.Conn, _ []byte, n int) {
	if s.env.Stats.Subscribers.Load() == 0 {
		return // no subscriber: nothing to look up (the echo path)
	}
	v, ok := s.writing.Load(nc)
	if !ok {
		return
	}
	b := v.(*subscriber)
	if b.pending.Add(-int64(n)) <= 0 {
		select {
		case b.drained <- struct{}{}:
		default:
		}
	}
}

// leave drops the subscriber once its connection is closed.
func (b *subscriber) leave() {
	b.leaveFn()
	b.srv.writing.Delete(b.c.nc)
	close(b.gone)
}
