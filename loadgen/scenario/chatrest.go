package scenario

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/wsbench/wsbench/loadgen/wire"
)

// The chat scenario over the REST baseline (-proto http): the rooms of
// servers/rest (POST /chat/{room}/publish; GET /chat/{room}/poll, long poll
// or /events, as -subscribe says). Each member reads its room on one HTTP
// connection of its own, starting at the room's cursor taken before the
// run (so messages of earlier runs on the same server are not read);
// each publisher also publishes on a second connection, so that a
// publish never waits behind a poll. A member's id (the "from" of its
// publishes) is its connection number plus one, chosen here: REST has no
// connection for the server to name. Everything else (pacing, the check
// of every delivery, the counters) is the WebSocket run's: a restChatConn
// is a wire.Conn.

// chatDial opens the run's connections: WebSocket or SockJS on /chat, or
// the REST members.
func (r *runner) chatDial() []*peer {
	if r.cfg.Proto != wire.HTTP {
		return r.dialAll(r.cfg.Conns, 0, PathChat, nil)
	}
	if r.cfg.HTTP.Subscribe == wire.Poll {
		r.res.PollInterval = float64(r.cfg.PollInterval) / float64(time.Millisecond)
	}
	// One connection per request, closed after it: no idle connection
	// (or one dialed ahead and never used) stays open on the server.
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	cl := &http.Client{Transport: tr, Timeout: r.cfg.DialTimeout + 10*time.Second}
	cursors := make([]uint64, r.cfg.Rooms)
	var failed error
	var mu sync.Mutex
	parallel(r.cfg.Rooms, r.cfg.DialConcurrency, func(room int) {
		c, err := r.chatCursor(cl, roomName(room))
		mu.Lock()
		defer mu.Unlock()
		cursors[room] = c
		if err != nil && failed == nil {
			failed = err
		}
	})
	if failed != nil {
		r.fail("chat_protocol", failed, true)
		return nil
	}
	peers := make([]*peer, r.cfg.Conns)
	parallel(r.cfg.Conns, r.cfg.DialConcurrency, func(i int) {
		if r.aborted() {
			return
		}
		room := i / r.cfg.Members
		c, err := r.dialRESTMember(i, roomName(room), cursors[room], i%r.cfg.Members < r.cfg.Publishers)
		if err != nil {
			if !r.aborted() {
				r.fail("dial_"+wire.Kind(err), fmt.Errorf("dial %s (member %d): %w", r.cfg.target.Host, i, err), true)
			}
			return
		}
		p := &peer{i: i, c: c}
		p.final.Store(-1)
		peers[i] = p
		r.mu.Lock()
		r.peers = append(r.peers, p)
		stopping := r.stopping
		r.mu.Unlock()
		if stopping {
			_ = c.SetReadDeadline(time.Unix(1, 0))
			_ = c.SetWriteDeadline(time.Unix(1, 0))
		}
		r.dialed.Add(1)
	})
	if r.aborted() {
		return nil
	}
	return peers
}

// chatCursor asks for room's newest position: GET /chat/{room}/poll
// without after= answers 204 with X-Last-Seq.
func (r *runner) chatCursor(cl *http.Client, room string) (uint64, error) {
	req, err := http.NewRequestWithContext(r.ctx, http.MethodGet, "http://"+r.cfg.target.Host+PathChat+"/"+room+"/poll", nil)
	if err != nil {
		return 0, fmt.Errorf("cursor of room %s: %w", room, err)
	}
	resp, err := cl.Do(req)
	if err != nil {
		return 0, fmt.Errorf("cursor of room %s: %w", room, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return 0, fmt.Errorf("cursor of room %s: %s (a REST chat server answers 204)", room, resp.Status)
	}
	v, err := strconv.ParseUint(resp.Header.Get("X-Last-Seq"), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("cursor of room %s: X-Last-Seq %q: %w", room, resp.Header.Get("X-Last-Seq"), err)
	}
	return v, nil
}

// dialRESTMember opens member i's reading connection and, for a
// publisher, its publishing one.
func (r *runner) dialRESTMember(i int, room string, after uint64, publisher bool) (*restChatConn, error) {
	t := r.cfg.target
	t.Path, t.Query = PathChat+"/"+room+"/broadcast", "" // the wire client's REST broadcast shape
	o := r.dialOptions(i)
	o.HTTP.After = after
	sub, err := wire.DialTarget(r.ctx, t, o)
	if err != nil {
		return nil, err
	}
	c := &restChatConn{sub: sub, from: uint64(i) + 1}
	if publisher {
		if c.pub, err = wire.DialTarget(r.ctx, t, o); err != nil {
			sub.Close()
			return nil, err
		}
	}
	return c, nil
}

// restChatID is the id of a REST member (its publishes' "from").
func restChatID(p *peer) (uint64, bool) {
	c, ok := p.c.(*restChatConn)
	if !ok {
		return 0, false
	}
	return c.from, true
}

// restChatConn is a REST member as a wire.Conn: ReadMessage returns the
// next delivery of its room (sub), WriteMessage publishes (pub) with the
// member's id added as "from". Stats are both connections' together.
type restChatConn struct {
	sub, pub wire.Conn // pub is nil for a member that does not publish
	from     uint64
	msg      []byte // the publish with "from", reused (one writer)
}

var errNoPublisher = errors.New("chat over REST: this member does not publish")

func (c *restChatConn) WriteMessage(binary bool, p []byte) error {
	if c.pub == nil {
		return errNoPublisher
	}
	if len(p) == 0 || p[0] != '{' {
		return fmt.Errorf("chat over REST: publish %.40q is not a JSON object", p)
	}
	c.msg = append(c.msg[:0], `{"from":`...)
	c.msg = strconv.AppendUint(c.msg, c.from, 10)
	if len(p) > 2 {
		c.msg = append(c.msg, ',')
	}
	c.msg = append(c.msg, p[1:]...)
	return c.pub.WriteMessage(binary, c.msg)
}

func (c *restChatConn) QueueMessage(binary bool, p []byte) error { return c.WriteMessage(binary, p) }
func (c *restChatConn) Flush() error                             { return nil }
func (c *restChatConn) ReadMessage(buf []byte) (bool, []byte, error) {
	return c.sub.ReadMessage(buf)
}
func (c *restChatConn) Buffered() bool                    { return c.sub.Buffered() }
func (c *restChatConn) SetReadDeadline(t time.Time) error { return c.sub.SetReadDeadline(t) }

func (c *restChatConn) SetWriteDeadline(t time.Time) error {
	if c.pub == nil {
		return nil
	}
	return c.pub.SetWriteDeadline(t)
}

func (c *restChatConn) Stats() wire.Stats {
	s := c.sub.Stats()
	if c.pub != nil {
		p := c.pub.Stats()
		s.TX += p.TX
		s.RX += p.RX
		s.Dials += p.Dials
		s.Requests += p.Requests
	}
	return s
}

func (c *restChatConn) Close() error {
	err := c.sub.Close()
	if c.pub != nil {
		if perr := c.pub.Close(); err == nil {
			err = perr
		}
	}
	return err
}
