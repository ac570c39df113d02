package scenario

import (
	"fmt"
	"sync/atomic"
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
	var ok atomic.Int64
	parallel(len(peers), cfg.DialConcurrency, func(i int) {
		if r.aborted() {
			return
		}
		p := peers[i]
		msg := r.fmt.New()
		r.fmt.Stamp(msg, 0, r.now(), uint32(p.i))
		deadline := time.Now().Add(cfg.DialTimeout)
		_ = p.c.SetWriteDeadline(deadline)
		_ = p.c.SetReadDeadline(deadline)
		if err := p.c.WriteMessage(true, msg); err != nil {
			r.connErr(p, "write after hold", err)
			return
		}
		p.sent = 1
		_, m, err := p.c.ReadMessage(nil)
		if err != nil {
			r.connErr(p, "read after hold", err)
			return
		}
		if h, err := r.fmt.Check(m); err != nil || h.Stream != uint32(p.i) || h.Seq != 0 {
			p.corrupt++
		} else {
			ok.Add(1)
			p.recvM = 1
		}
	})
	for _, p := range peers {
		p.sentM = p.sent
		if p.sent == 1 && p.recvM == 0 && p.corrupt == 0 {
			p.lost = 1
		}
	}
	r.totals(peers)
}

// sampleNow reads the server's and this process's CPU and memory.
func (r *runner) sampleNow(srv, self *procstat.Sample) {
	var cnt counts
	r.sample(srv, self, &cnt)
}
