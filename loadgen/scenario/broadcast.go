package scenario

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wsbench/wsbench/loadgen/histo"
	"github.com/wsbench/wsbench/loadgen/payload"
	"github.com/wsbench/wsbench/loadgen/wire"
)

// runBroadcast: Conns subscribers and Publishers publishers connect to
// /broadcast; the publishers send Rate messages per second in total
// (paced like an open loop, stamped with their intended send times) and
// every subscriber checks every message of every publisher.
//
// WebSocket and SockJS servers also deliver each message to the publishers
// (every connection on /broadcast is a subscriber); the publishers read
// and discard those copies, which are not counted. Over HTTP, publishers
// only POST /publish and subscribers poll.
func (r *runner) runBroadcast() {
	cfg := r.cfg
	if cfg.Proto == wire.HTTP {
		after, err := r.httpNewest()
		if err != nil {
			r.fail("dial_"+wire.Kind(err), err, true)
			return
		}
		cfg.HTTP.After = after
	}
	subs := r.dialNodes(cfg.Conns, 0, "/broadcast", nil, len(cfg.Nodes) > 0)
	if subs == nil {
		return
	}
	pubs := r.dialAll(cfg.Publishers, cfg.Conns, "/broadcast", nil)
	if pubs == nil {
		return
	}
	r.res.Connected = int64(len(subs) + len(pubs))
	r.txPeers, r.rxPeers = pubs, subs
	perPub := cfg.Rate / float64(len(pubs))
	// With several agents, agent a's publishers stamp streams
	// a*len(pubs)..; every agent checks all streams.
	agents, own := max(cfg.Agents, 1), cfg.Agent*len(pubs)
	streams := agents * len(pubs)
	rings := make([]*fanRing, streams)
	for j := range rings {
		rings[j] = newFanRing(perPub*(cfg.Drain.Seconds()+2), int32(len(subs)))
	}
	for _, s := range subs {
		s.streams = make([]payload.Stream, streams)
	}
	if cfg.Agents > 0 {
		r.fanMax = newFanMax(streams, perPub*(cfg.Warmup+cfg.Duration).Seconds())
	}
	r.startClock()

	var subsDone atomic.Bool
	var wgSubs, wgPubs, wgDrain sync.WaitGroup
	for _, s := range subs {
		wgSubs.Add(1)
		go func() { defer wgSubs.Done(); r.subscriber(s, rings, &subsDone) }()
	}
	pc := r.newPacer(len(pubs))
	pc.base, pc.streams = cfg.Conns, own // stream of pubs[j]: own + j
	if agents > 1 {
		// Stagger the agents: their publishes together are as evenly
		// spaced as one publisher's at the total rate.
		pc.start += agentOffset(pc.interval, cfg.Agent, agents)
	}
	for j, p := range pubs {
		p.wake = pc.wake[j]
		wgPubs.Add(1)
		if cfg.Proto == wire.HTTP {
			go func() { defer wgPubs.Done(); r.publishHTTP(p, pc, rings[own+j]) }()
		} else {
			go func() { defer wgPubs.Done(); r.openSender(p, pc, rings[own+j]) }()
			wgDrain.Add(1)
			go func() { defer wgDrain.Done(); r.discard(p, &subsDone) }()
		}
	}
	go pc.run(r.ctx.Done())
	wgPubs.Wait()
	r.waitMeter()

	// Drain: wait until every measured message reached every subscriber,
	// or the drain period ends.
	var expected int64
	for _, p := range pubs {
		expected += p.sentM
	}
	expected *= int64(len(subs))
	if agents > 1 {
		// The other agents' schedules are known: the same rate and
		// clock, staggered. (This only ends the wait; the loss is
		// counted from what the agents sent.)
		expected = 0
		for a := range agents {
			expected += scheduled(r.tStart+agentOffset(pc.interval, a, agents), pc.interval, r.t0, r.t1)
		}
		expected *= int64(len(subs))
	}
	deadline := r.t1 + int64(cfg.Drain)
	for !r.aborted() && r.now() < deadline {
		var got int64
		for _, s := range subs {
			got += s.delivered.Load()
		}
		if got >= expected {
			break
		}
		time.Sleep(5 * time.Millisecond) // no event to wait for: poll the counters
	}
	subsDone.Store(true)
	for _, p := range append(append([]*peer(nil), subs...), pubs...) {
		_ = p.c.SetReadDeadline(time.Unix(1, 0))
	}
	wgSubs.Wait()
	wgDrain.Wait()

	for _, s := range subs {
		for j, p := range pubs {
			s.lost += r.missing(&s.streams[own+j], p)
		}
	}
	r.totals(subs)
	r.res.Sent = 0
	for _, p := range pubs {
		r.res.Sent += p.sentM
	}
	r.res.Expected = expected
	if r.fanMax != nil {
		r.res.FanoutMaxNS = r.fanMax.values()
	}
}

// missing counts what a subscriber never received of publisher p's
// messages. Messages published during the warm-up before the subscriber's
// first one are excused: the server may not have registered the
// subscriber yet when they went out.
func (r *runner) missing(st *payload.Stream, p *peer) int64 {
	sent := uint64(p.sent)
	from := sent
	if p.firstM >= 0 {
		from = uint64(p.firstM)
	}
	if first, ok := st.First(); ok {
		from = min(from, first)
	}
	return st.Missing(from, sent)
}

// subscriber reads and checks deliveries until told to stop.
func (r *runner) subscriber(p *peer, rings []*fanRing, done *atomic.Bool) {
	c := p.c
	rec := r.lat.NewRecorder()
	defer rec.Flush()
	fan := r.fan.NewRecorder()
	defer fan.Flush()
	var node *histo.Recorder // on a cluster: same-node or cross-node latency
	if len(r.cfg.Nodes) > 0 {
		node = r.same.NewRecorder() // publishers are on node 0
		if p.node != 0 {
			node = r.cross.NewRecorder()
		}
		defer node.Flush()
	}
	buf := make([]byte, 0, r.cfg.Size+64)
	_ = c.SetReadDeadline(r.endOfRun().Add(time.Second))
	for {
		_, m, err := c.ReadMessage(buf)
		if err != nil {
			if !done.Load() && !r.aborted() {
				r.connErr(p, "read", err)
			}
			return
		}
		buf = m
		now := r.now()
		h, err := r.fmt.Check(m)
		if err != nil && !errors.Is(err, payload.ErrFiller) || int(h.Stream) >= len(p.streams) {
			p.corrupt++
			continue
		}
		switch p.streams[h.Stream].Observe(h.Seq) {
		case payload.Duplicate:
			p.dup++
			continue
		case payload.Late:
			p.reordered++
		}
		if err != nil {
			p.corrupt++
			continue
		}
		p.recv++
		if r.measured(h.Time) {
			p.recvM++
			p.delivered.Add(1)
			lat := now - h.Time
			rec.Record(lat)
			if node != nil {
				node.Record(lat)
			}
			rings[h.Stream].arrive(h.Seq, lat, fan)
			if r.fanMax != nil {
				r.fanMax.observe(h.Stream, h.Seq, lat)
			}
		}
	}
}

// discard reads and drops what the server sends a publisher.
func (r *runner) discard(p *peer, done *atomic.Bool) {
	buf := make([]byte, 0, r.cfg.Size+64)
	_ = p.c.SetReadDeadline(r.endOfRun().Add(time.Second))
	for {
		_, m, err := p.c.ReadMessage(buf)
		if err != nil {
			if !done.Load() && !r.aborted() {
				r.connErr(p, "read", err)
			}
			return
		}
		buf = m
	}
}

// publishHTTP publishes p's messages over HTTP when due, one request at a
// time (a message due while the previous one is out waits; its latency
// still counts from when it was due).
func (r *runner) publishHTTP(p *peer, pc *pacer, ring *fanRing) {
	c := p.c
	lag := r.lag.NewRecorder()
	defer lag.Flush()
	_ = c.SetReadDeadline(r.endOfRun())
	_ = c.SetWriteDeadline(r.endOfRun())
	msg := r.fmt.New()
	p.firstM = -1
	j := p.i - pc.base
	for range p.wake {
		for !r.aborted() {
			now := r.now()
			due := pc.due(j, p.sent)
			if now >= r.t1 || due > now || due >= r.t1 {
				break
			}
			r.fmt.Stamp(msg, uint64(p.sent), due, uint32(j))
			ring.publish(uint64(p.sent))
			if err := c.WriteMessage(false, msg); err != nil {
				r.connErr(p, "publish", err)
				return
			}
			r.sentPaced(p, due, now, lag)
		}
	}
}

// httpNewest publishes a marker message and returns its sequence number:
// subscribers start after it, so that they skip whatever the server's log
// kept from earlier runs.
func (r *runner) httpNewest() (uint64, error) {
	t := r.cfg.target
	t.Path, t.Query = "/broadcast", ""
	ctx, cancel := context.WithTimeout(r.ctx, r.cfg.DialTimeout)
	defer cancel()
	c, err := wire.DialTarget(ctx, t, r.dialOptions(0))
	if err != nil {
		return 0, fmt.Errorf("dial %s: %w", t.Host+t.Path, err)
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(r.cfg.DialTimeout))
	_ = c.SetWriteDeadline(time.Now().Add(r.cfg.DialTimeout))
	if err := c.WriteMessage(false, []byte("wsbench-start-marker")); err != nil {
		return 0, fmt.Errorf("publish a start marker: %w", err)
	}
	seq, ok := wire.Published(c)
	if !ok {
		return 0, errors.New("publish a start marker: no sequence number in the answer")
	}
	return seq, nil
}

// fanRing tracks, per message of one publisher, how many subscribers got
// it and the largest latency so far; the subscriber completing the count
// records that largest latency (time to the last subscriber). Slots are
// reused modulo the ring size, which covers the messages that can be in
// flight.
type fanRing struct {
	mask  uint64
	subs  int32
	slots []fanSlot
}

type fanSlot struct {
	seq   atomic.Uint64 // sequence number + 1; 0: unused
	count atomic.Int32
	max   atomic.Int64
}

func newFanRing(inFlight float64, subs int32) *fanRing {
	n := uint64(1024)
	if inFlight > float64(n) {
		n = 1 << bits.Len64(uint64(min(inFlight, 1<<20)))
	}
	return &fanRing{mask: n - 1, subs: subs, slots: make([]fanSlot, n)}
}

// publish registers message seq before it is sent.
func (f *fanRing) publish(seq uint64) {
	s := &f.slots[seq&f.mask]
	s.count.Store(0)
	s.max.Store(0)
	s.seq.Store(seq + 1)
}

// arrive records one subscriber's receipt of seq after lat nanoseconds.
func (f *fanRing) arrive(seq uint64, lat int64, rec *histo.Recorder) {
	s := &f.slots[seq&f.mask]
	if s.seq.Load() != seq+1 {
		return // the slot moved on: far too late to matter
	}
	for {
		old := s.max.Load()
		if lat <= old || s.max.CompareAndSwap(old, lat) {
			break
		}
	}
	if s.count.Add(1) == f.subs {
		rec.Record(s.max.Load())
	}
}
