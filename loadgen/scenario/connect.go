package scenario

import (
	"fmt"
	"time"

	"github.com/wsbench/wsbench/loadgen/procstat"
)

// runConnect opens Conns connections to /echo (DialConcurrency at a time,
// at most ConnectRate per second), measuring each handshake; holds them
// idle for Hold; measures the server's memory per connection; then checks
// that every connection still echoes one message.
//
// The measured interval is the connect phase: CPU figures are per
// handshake. Over HTTP the handshake is the TCP connect.
func (r *runner) runConnect() {
	cfg := r.cfg
	var base procstat.Sample
	if r.server != nil {
		s, err := r.server.Read()
		if err != nil {
			r.fail("server_gone", fmt.Errorf("server process: %w", err), true)
			return
		}
		base = s
	}
	r.sampleNow(&r.srvA, &r.selfA)
	r.tStart = r.now()
	r.t0 = r.tStart
	peers := r.dialAll(cfg.Conns, 0, "/echo", r.lat.NewRecorder)
	r.sampleNow(&r.srvB, &r.selfB)
	dialNS := r.now() - r.tStart
	r.measuredNS = dialNS
	r.srvOK = r.server != nil && !r.srvA.At.IsZero() && !r.srvB.At.IsZero()
	r.res.Connected = r.dialed.Load()
	if dialNS > 0 {
		r.res.HandshakesPerSec = round(float64(r.dialed.Load()) / (float64(dialNS) / 1e9))
	}
	r.res.HoldS = cfg.Hold.Seconds()
	if peers == nil {
		return
	}
	for _, p := range peers {
		if p != nil {
			r.negotiated = p.c.Stats().Deflate
			break
		}
	}

	// With ConnectEcho, every connection echoes one message first, so
	// that what a server keeps per connection once it has carried a
	// message (permessage-deflate's windows and compressors) is held.
	seq := uint64(0)
	if cfg.ConnectEcho {
		r.phase.Store(phaseVerify)
		r.echoEach(peers, seq, false)
		seq++
	}

	// Hold the connections idle, then read the server's memory.
	r.t1 = r.now() + int64(cfg.Hold)
	r.phase.Store(phaseHold)
	t := time.NewTimer(cfg.Hold)
	select {
	case <-t.C:
	case <-r.ctx.Done():
		t.Stop()
		return
	}
	if r.server != nil {
		steady, err := r.server.Read()
		if err != nil {
			r.fail("server_gone", fmt.Errorf("server process: %w", err), true)
			return
		}
		r.steadyRSS = steady.RSS
		r.baseRSS = base.RSS
	}

	// Every connection must still work.
	r.phase.Store(phaseVerify)
	r.echoEach(peers, seq, true)
	for _, p := range peers {
		p.sentM = p.sent
		if p.sent == 1 && p.recvM == 0 && p.corrupt == 0 {
			p.lost = 1
		}
	}
	r.totals(peers)
}

// echoEach has every peer echo message seq, verified. Counted (the check
// after the hold), it sets each peer's sent and received message; else (the
// ConnectEcho before the hold) a failure counts as a connection error or a
// corrupt message only.
func (r *runner) echoEach(peers []*peer, seq uint64, counted bool) {
	when := "after hold"
	if !counted {
		when = "before hold"
	}
	parallel(len(peers), r.cfg.DialConcurrency, func(i int) {
		if r.aborted() {
			return
		}
		p := peers[i]
		msg := r.fmt.New()
		r.fmt.Stamp(msg, seq, r.now(), uint32(p.i))
		deadline := time.Now().Add(r.cfg.DialTimeout)
		_ = p.c.SetWriteDeadline(deadline)
		_ = p.c.SetReadDeadline(deadline)
		if err := p.c.WriteMessage(true, msg); err != nil {
			r.connErr(p, "write "+when, err)
			return
		}
		if counted {
			p.sent = 1
		}
		_, m, err := p.c.ReadMessage(nil)
		if err != nil {
			r.connErr(p, "read "+when, err)
			return
		}
		if h, err := r.fmt.Check(m); err != nil || h.Stream != uint32(p.i) || h.Seq != seq {
			p.corrupt++
		} else if counted {
			p.recvM = 1
		}
	})
}

// sampleNow reads the server's and this process's CPU and memory.
func (r *runner) sampleNow(srv, self *procstat.Sample) {
	var cnt counts
	r.sample(srv, self, &cnt)
}
