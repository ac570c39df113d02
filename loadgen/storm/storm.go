// Package storm measures a reconnect storm on a cluster: subscribers of one
// node lose their connections all at once (the node is killed, or shut
// down), dial again (the same node once it is back, or another node), and
// the run measures how long until every one of them is connected and
// receiving again, the handshakes per second meanwhile, and the broadcasts
// each missed while it was away. NATS core is at-most-once: what was
// published while a subscriber was away is lost, and counted, not hidden.
//
// It uses the load generator's own client (package wire). A publisher on
// a node that stays up sends numbered broadcasts at a fixed rate; each
// subscriber checks the numbers: a gap is lost, a repeat duplicated, a
// step back reordered.
package storm

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wsbench/wsbench/loadgen/wire"
)

// Config is one storm.
type Config struct {
	// Target is the server's protocol (and SockJS transport in Options);
	// its Host is replaced by the nodes below, its Path by /broadcast.
	Target  wire.Target
	Options wire.Options
	// From is the node (HOST:PORT) whose subscribers are dropped, To where
	// they dial again (From itself when it is restarted), Publisher the
	// node of the publisher, which must stay up.
	From, To, Publisher string
	Conns               int
	Rate                float64 // broadcasts per second, before, during and after the storm
	// Drop drops the From node's connections (kills or shuts down the
	// node); Run calls it once every subscriber received a broadcast.
	Drop func() error
	// Timeout bounds the whole run.
	Timeout time.Duration
	// DialConcurrency bounds the dials in progress at once (default 64).
	DialConcurrency int
}

// Result is what a storm measured.
type Result struct {
	Conns int `json:"conns"`
	// RecoverS is from Drop until the last subscriber was connected
	// again and had received a broadcast published after it reconnected.
	RecoverS float64 `json:"recover_s"`
	// ReconnectS is from Drop until the last subscriber was connected.
	ReconnectS float64 `json:"reconnect_s"`
	// HandshakesPerSec is Conns over ReconnectS.
	HandshakesPerSec float64 `json:"handshakes_per_sec"`
	// Dials counts the dial attempts after the drop, failed ones included.
	Dials      int64 `json:"dials"`
	Published  int64 `json:"published"`
	Lost       int64 `json:"lost"` // broadcasts missed, summed over subscribers
	Duplicated int64 `json:"duplicated"`
	Reordered  int64 `json:"reordered"`
}

// sub is one subscriber's state.
type sub struct {
	last       int64 // last number received (0: none)
	lost, dup  int64
	reordered  int64
	dropped    bool  // its connection failed after the drop
	backAt     int64 // publisher's number when it reconnected
	reconnects int64 // dial attempts after the drop
}

// Run dials the subscribers and the publisher, waits until every
// subscriber received a broadcast, calls Drop, and waits until every
// subscriber receives again.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.Conns < 1 || cfg.Rate <= 0 || cfg.Drop == nil || cfg.Timeout <= 0 {
		return nil, errors.New("storm: need Conns, Rate, Drop and Timeout")
	}
	conc := cfg.DialConcurrency
	if conc <= 0 {
		conc = 64
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	dial := func(host string) (wire.Conn, error) {
		t := cfg.Target
		t.Host, t.Path, t.Query = host, "/broadcast", ""
		return wire.DialTarget(ctx, t, cfg.Options)
	}

	pub, err := dial(cfg.Publisher)
	if err != nil {
		return nil, fmt.Errorf("storm: publisher: %w", err)
	}
	defer pub.Close()
	go drain(pub)

	subs := make([]*sub, cfg.Conns)
	conns := make([]wire.Conn, cfg.Conns)
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
	var dialErr atomic.Pointer[error]
	for i := range subs {
		subs[i] = &sub{}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := dial(cfg.From)
			if err != nil {
				dialErr.CompareAndSwap(nil, &err)
				return
			}
			conns[i] = c
		}()
	}
	wg.Wait()
	if e := dialErr.Load(); e != nil {
		closeAll(conns)
		return nil, fmt.Errorf("storm: subscriber: %w", *e)
	}

	var published atomic.Int64
	var dropAt atomic.Int64 // unix ns of the drop, 0 before
	ready, reconnected, recovered := newCountdown(cfg.Conns), newCountdown(cfg.Conns), newCountdown(cfg.Conns)
	var lastConnected, lastRecovered atomic.Int64
	var dials atomic.Int64
	var readers sync.WaitGroup
	for i, s := range subs {
		readers.Add(1)
		go func() {
			defer readers.Done()
			s.run(ctx, conns[i], cfg.To, dial, &published, &dropAt, ready, reconnected, recovered, &lastConnected, &lastRecovered, &dials, sem)
		}()
	}

	pubDone := make(chan error, 1)
	pubCtx, stopPub := context.WithCancel(ctx)
	defer stopPub()
	go func() { pubDone <- publish(pubCtx, pub, cfg.Rate, &published) }()

	// abort ends the publisher and the readers and waits for them.
	abort := func() {
		stopPub()
		<-pubDone
		cancel()
		readers.Wait()
	}
	if err := ready.wait(ctx); err != nil {
		abort()
		return nil, fmt.Errorf("storm: before the drop, not every subscriber received: %w", err)
	}
	dropAt.Store(time.Now().UnixNano())
	if err := cfg.Drop(); err != nil {
		abort()
		return nil, fmt.Errorf("storm: drop: %w", err)
	}
	err = recovered.wait(ctx)
	stopPub()
	perr := <-pubDone
	cancel() // ends the readers
	readers.Wait()
	if err != nil {
		// A subscriber whose connection fails again after it reconnected
		// (dropped by the server as a slow consumer, say) does not come
		// back: the storm is over for it.
		return nil, fmt.Errorf("storm: after the drop, %d of %d subscribers connected again, %d received again (publisher: %v): %w",
			int64(cfg.Conns)-reconnected.left.Load(), cfg.Conns, int64(cfg.Conns)-recovered.left.Load(), perr, err)
	}
	if perr != nil {
		return nil, fmt.Errorf("storm: publisher: %w", perr)
	}
	d0 := dropAt.Load()
	res := &Result{
		Conns:      cfg.Conns,
		RecoverS:   float64(lastRecovered.Load()-d0) / 1e9,
		ReconnectS: float64(lastConnected.Load()-d0) / 1e9,
		Dials:      dials.Load(),
		Published:  published.Load(),
	}
	if res.ReconnectS > 0 {
		res.HandshakesPerSec = float64(cfg.Conns) / res.ReconnectS
	}
	for _, s := range subs {
		res.Lost += s.lost
		res.Duplicated += s.dup
		res.Reordered += s.reordered
	}
	return res, nil
}

// run reads one subscriber's broadcasts; after its connection fails it
// dials to again until it succeeds or ctx ends.
func (s *sub) run(ctx context.Context, c wire.Conn, to string, dial func(string) (wire.Conn, error),
	published, dropAt *atomic.Int64, ready, reconnected, recovered *countdown, lastConnected, lastRecovered, dials *atomic.Int64, sem chan struct{}) {
	gotFirst, back := false, false
	stop := context.AfterFunc(ctx, func() { _ = c.SetReadDeadline(time.Unix(1, 0)) })
	defer func() { stop(); c.Close() }()
	var buf []byte
	for {
		_, p, err := c.ReadMessage(buf)
		if err != nil {
			if ctx.Err() != nil || dropAt.Load() == 0 || s.dropped {
				return // the run is over, or a failure outside the storm
			}
			s.dropped = true
			stop()
			c.Close()
			nc, err := s.redial(ctx, to, dial, dials, sem)
			if err != nil {
				return // ctx ended; the deferred Close closes c again, harmlessly
			}
			c = nc
			stop = context.AfterFunc(ctx, func() { _ = c.SetReadDeadline(time.Unix(1, 0)) })
			s.backAt = published.Load()
			storeMax(lastConnected, time.Now().UnixNano())
			reconnected.done()
			continue
		}
		buf = p
		n, err := strconv.ParseInt(string(p), 10, 64)
		if err != nil {
			continue // not ours
		}
		switch {
		case n == s.last:
			s.dup++
			continue
		case n < s.last:
			s.reordered++
			continue
		case s.last > 0:
			s.lost += n - s.last - 1
		}
		s.last = n
		if !gotFirst {
			gotFirst = true
			ready.done()
		}
		if s.dropped && !back && n > s.backAt {
			back = true
			storeMax(lastRecovered, time.Now().UnixNano())
			recovered.done()
		}
	}
}

// redial dials to until it succeeds, backing off a little between tries.
func (s *sub) redial(ctx context.Context, to string, dial func(string) (wire.Conn, error), dials *atomic.Int64, sem chan struct{}) (wire.Conn, error) {
	wait := time.Millisecond
	for {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		dials.Add(1)
		s.reconnects++
		c, err := dial(to)
		<-sem
		if err == nil {
			return c, nil
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		wait = min(2*wait, 100*time.Millisecond)
	}
}

// publish sends the numbers 1, 2, ... at rate per second until ctx ends.
func publish(ctx context.Context, c wire.Conn, rate float64, published *atomic.Int64) error {
	period := time.Duration(float64(time.Second) / rate)
	t := time.NewTicker(period)
	defer t.Stop()
	for n := int64(1); ; n++ {
		if err := c.WriteMessage(false, strconv.AppendInt(nil, n, 10)); err != nil {
			return err
		}
		published.Store(n)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// drain reads and drops what the server sends the publisher.
func drain(c wire.Conn) {
	var buf []byte
	for {
		_, p, err := c.ReadMessage(buf)
		if err != nil {
			return
		}
		buf = p
	}
}

// countdown is closed once done was called n times.
type countdown struct {
	left atomic.Int64
	c    chan struct{}
}

func newCountdown(n int) *countdown {
	d := &countdown{c: make(chan struct{})}
	d.left.Store(int64(n))
	return d
}

func (d *countdown) done() {
	if d.left.Add(-1) == 0 {
		close(d.c)
	}
}

// wait waits until the count reaches zero or ctx ends.
func (d *countdown) wait(ctx context.Context) error {
	select {
	case <-d.c:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func storeMax(a *atomic.Int64, v int64) {
	for {
		old := a.Load()
		if v <= old || a.CompareAndSwap(old, v) {
			return
		}
	}
}

func closeAll(cs []wire.Conn) {
	for _, c := range cs {
		if c != nil {
			c.Close()
		}
	}
}
