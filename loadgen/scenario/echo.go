package scenario

import (
	"errors"
	"sync"
	"time"

	"github.com/wsbench/wsbench/loadgen/histo"
	"github.com/wsbench/wsbench/loadgen/payload"
	"github.com/wsbench/wsbench/loadgen/wire"
)

// runEcho: every connection sends to /echo and checks each echo. Closed
// loop: Window messages in flight per connection, each echo answered by a
// new message. Open loop: the pacer offers Rate messages per second in
// total and latency counts from each message's intended send time. With
// an active fraction below 1 only the first ActiveConns connections send
// (the offered rate is theirs); the others stay open and idle, and the
// server's RSS growth over all of them is recorded per connection.
func (r *runner) runEcho() {
	if r.server != nil && r.cfg.ActiveConns() < r.cfg.Conns {
		if base, err := r.server.Read(); err == nil {
			r.baseRSS = base.RSS
		}
	}
	all := r.dialAll(r.cfg.Conns, 0, "/echo", nil)
	if all == nil {
		return
	}
	r.res.Connected = int64(len(all))
	peers := all[:r.cfg.ActiveConns()]
	if len(peers) < len(all) {
		r.res.ActiveConns = int64(len(peers))
	}
	r.txPeers, r.rxPeers = peers, peers
	r.startClock()
	var wg sync.WaitGroup
	spawn := func(f func()) {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	switch {
	case r.cfg.Proto != wire.HTTP && loopable(peers):
		var pc *pacer // closed loop
		if r.cfg.Rate > 0 {
			pc = r.newPacer(len(peers))
		}
		r.runLoops(peers, pc)
	case r.cfg.Rate == 0:
		for _, p := range peers {
			spawn(func() { r.closedLoop(p) })
		}
	default:
		pc := r.newPacer(len(peers))
		for i, p := range peers {
			p.wake = pc.wake[i]
			if r.cfg.Proto == wire.HTTP {
				spawn(func() { r.openLoopHTTP(p, pc) })
			} else {
				spawn(func() { r.openSender(p, pc, nil) })
				spawn(func() { r.openReader(p) })
			}
		}
		go pc.run(r.ctx.Done())
	}
	wg.Wait()
	r.waitMeter()
	if r.baseRSS > 0 && !r.srvB.At.IsZero() {
		r.steadyRSS = r.srvB.RSS
	}
	for _, p := range peers {
		p.lost = p.stream.Missing(0, uint64(p.sent))
	}
	r.totals(peers)
}

// newPacer paces n senders at the configured rate from the start of the
// run to the end of the measured interval.
func (r *runner) newPacer(n int) *pacer {
	pc := &pacer{
		start:    r.tStart,
		interval: 1e9 / r.cfg.Rate,
		n:        n,
		end:      r.t1,
		now:      r.now,
		wake:     make([]chan struct{}, n),
	}
	for i := range pc.wake {
		pc.wake[i] = make(chan struct{}, 1)
	}
	return pc
}

// endOfRun is when connections stop waiting for messages.
func (r *runner) endOfRun() time.Time { return r.at(r.t1 + int64(r.cfg.Drain)) }

// quietEnd reports whether a read error is the normal end of reading: the
// run is cut short, or the drain deadline passed.
func (r *runner) quietEnd(err error) bool {
	return r.aborted() || (wire.Kind(err) == "timeout" && r.now() >= r.t1)
}

// checkEcho verifies an echoed message m received at now. It returns false
// for a duplicate (which answers no message in flight).
func (r *runner) checkEcho(p *peer, m []byte, now int64, rec *histo.Recorder) bool {
	h, err := r.fmt.Check(m)
	if err != nil && !errors.Is(err, payload.ErrFiller) {
		p.corrupt++ // unreadable: its sequence number will also count as lost
		return true
	}
	if h.Stream != uint32(p.i) {
		p.corrupt++ // another connection's message
		return true
	}
	switch p.stream.Observe(h.Seq) {
	case payload.Duplicate:
		p.dup++
		return false
	case payload.Late:
		p.reordered++
	}
	if err != nil {
		p.corrupt++
		return true
	}
	p.recv++
	if r.measured(h.Time) {
		p.recvM++
		rec.Record(now - h.Time)
	}
	return true
}

// closedLoop keeps Window messages in flight on p until the end of the
// measured interval, then waits for the last echoes.
//
// Replacements go out in batches of half the window (at least one): every
// echo read makes one message due, and due messages are written together,
// in one write, once a batch is due or nothing else is in flight. Each
// message is stamped just before that write, so the batching delay is not
// part of its latency. The point is the client's cost: the servers write
// every echo with its own syscall, and a client that wrote every
// replacement alone would spend as much per message as the server it is
// meant to saturate.
func (r *runner) closedLoop(p *peer) {
	c := p.c
	rec := r.lat.NewRecorder()
	defer rec.Flush()
	msg := r.fmt.New()
	buf := make([]byte, 0, r.cfg.Size+64)
	_ = c.SetReadDeadline(r.endOfRun())
	_ = c.SetWriteDeadline(r.endOfRun())
	batch := max(r.cfg.Window/2, 1)
	inflight := 0 // written, not yet echoed
	due := r.cfg.Window
	// send writes the due messages, if the interval is still on.
	send := func() bool {
		now := r.now()
		if now >= r.t1 || r.aborted() {
			due = 0
			return true
		}
		for ; due > 0; due-- {
			r.fmt.Stamp(msg, uint64(p.sent), now, uint32(p.i))
			if err := c.QueueMessage(true, msg); err != nil {
				r.connErr(p, "write", err)
				return false
			}
			p.sent++
			inflight++
			if r.measured(now) {
				p.sentM++
			}
		}
		if err := c.Flush(); err != nil {
			r.connErr(p, "write", err)
			return false
		}
		return true
	}
	if !send() {
		return
	}
	for inflight > 0 {
		_, m, err := c.ReadMessage(buf)
		if err != nil {
			if !r.quietEnd(err) {
				r.connErr(p, "read", err)
			}
			return
		}
		buf = m
		if !r.checkEcho(p, m, r.now(), rec) {
			continue
		}
		inflight--
		due++
		if (due >= batch || inflight == 0) && !c.Buffered() && !send() {
			return
		}
	}
}

// sentPaced books a paced message (open loop, broadcast) sent at now that
// was due at due: counted in the interval by its intended time, its lateness
// recorded in lag unless lag is nil.
func (r *runner) sentPaced(p *peer, due, now int64, lag *histo.Recorder) {
	if r.measured(due) {
		if p.firstM < 0 {
			p.firstM = p.sent
		}
		p.sentM++
	}
	p.sent++
	if lag != nil {
		lag.Record(now - due)
	}
}

// openSender sends p's messages when the pacer says they are due, stamped
// with their intended send times. Messages still due when the measured
// interval ends are not sent (the rate falls short). With a fanout ring
// (broadcast), each message is registered before it leaves.
func (r *runner) openSender(p *peer, pc *pacer, ring *fanRing) {
	c := p.c
	lag := r.lag.NewRecorder()
	defer lag.Flush()
	defer func() {
		p.final.Store(p.sent)
		if ring == nil && p.seen.Load() >= p.sent {
			_ = c.SetReadDeadline(time.Unix(1, 0)) // wake the reader: all answered
		}
	}()
	_ = c.SetWriteDeadline(r.endOfRun())
	msg := r.fmt.New()
	p.firstM = -1
	for range p.wake {
		now := r.now()
		queued := false
		for now < r.t1 && !r.aborted() {
			due := pc.due(p.i-pc.base, p.sent)
			if due > now || due >= r.t1 {
				break
			}
			r.fmt.Stamp(msg, uint64(p.sent), due, uint32(pc.streams+p.i-pc.base))
			if ring != nil {
				ring.publish(uint64(p.sent))
			}
			if err := c.QueueMessage(true, msg); err != nil {
				r.connErr(p, "write", err)
				return
			}
			r.sentPaced(p, due, now, lag)
			queued = true
		}
		if queued {
			if err := c.Flush(); err != nil {
				r.connErr(p, "write", err)
				return
			}
		}
	}
}

// openReader reads and checks the echoes of an open loop until every sent
// message is accounted for or the drain deadline passes.
func (r *runner) openReader(p *peer) {
	c := p.c
	rec := r.lat.NewRecorder()
	defer rec.Flush()
	buf := make([]byte, 0, r.cfg.Size+64)
	_ = c.SetReadDeadline(r.endOfRun())
	done := func() bool {
		f := p.final.Load()
		return f >= 0 && p.seen.Load() >= f
	}
	for !done() {
		_, m, err := c.ReadMessage(buf)
		if err != nil {
			if !done() && !r.quietEnd(err) {
				r.connErr(p, "read", err)
			}
			return
		}
		buf = m
		if r.checkEcho(p, m, r.now(), rec) {
			p.seen.Add(1)
		}
	}
}

// openLoopHTTP is the open loop over HTTP/1.1, where a connection carries
// one request at a time: a message due while the previous one is still
// out waits, and its latency still counts from when it was due (the
// coordinated-omission correction).
func (r *runner) openLoopHTTP(p *peer, pc *pacer) {
	c := p.c
	rec := r.lat.NewRecorder()
	defer rec.Flush()
	lag := r.lag.NewRecorder()
	defer lag.Flush()
	_ = c.SetReadDeadline(r.endOfRun())
	_ = c.SetWriteDeadline(r.endOfRun())
	msg := r.fmt.New()
	buf := make([]byte, 0, r.cfg.Size+64)
	for range p.wake {
		for !r.aborted() {
			now := r.now()
			due := pc.due(p.i, p.sent)
			if now >= r.t1 || due > now || due >= r.t1 {
				break
			}
			r.fmt.Stamp(msg, uint64(p.sent), due, uint32(p.i))
			if err := c.WriteMessage(true, msg); err != nil {
				r.connErr(p, "write", err)
				return
			}
			p.sent++
			if r.measured(due) {
				p.sentM++
			}
			lag.Record(now - due)
			_, m, err := c.ReadMessage(buf)
			if err != nil {
				if !r.quietEnd(err) {
					r.connErr(p, "read", err)
				}
				return
			}
			buf = m
			r.checkEcho(p, m, r.now(), rec)
		}
	}
}
