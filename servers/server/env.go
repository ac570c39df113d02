package server

import (
	"context"
	"sync"
	"sync/atomic"
)

// Stats are the counters served as JSON on /stats.
type Stats struct {
	ConnsNow        atomic.Int64 `json:"-"`
	ConnsTotal      atomic.Int64 `json:"-"`
	MsgsIn          atomic.Int64 `json:"-"`
	MsgsOut         atomic.Int64 `json:"-"`
	SlowDisconnects atomic.Int64 `json:"-"`
	Subscribers     atomic.Int64 `json:"-"` // broadcast subscribers now
}

// Snapshot is the JSON form of Stats.
type Snapshot struct {
	ConnsNow        int64 `json:"conns_now"`
	ConnsTotal      int64 `json:"conns_total"`
	MsgsIn          int64 `json:"msgs_in"`
	MsgsOut         int64 `json:"msgs_out"`
	SlowDisconnects int64 `json:"slow_disconnects"`
	Subscribers     int64 `json:"subscribers"`
}

// Snapshot reads every counter once.
func (s *Stats) Snapshot() Snapshot {
	return Snapshot{
		ConnsNow:        s.ConnsNow.Load(),
		ConnsTotal:      s.ConnsTotal.Load(),
		MsgsIn:          s.MsgsIn.Load(),
		MsgsOut:         s.MsgsOut.Load(),
		SlowDisconnects: s.SlowDisconnects.Load(),
		Subscribers:     s.Subscribers.Load(),
	}
}

// CloseFunc closes one connection with a WebSocket close code. It must not
// block for long: it sends the close frame under a short deadline and makes
// sure the connection's read loop ends soon after.
type CloseFunc func(code int, reason string)

// Env is what a server gets from the harness: the shared limits, the
// counters, and the registry of open connections used at shutdown.
type Env struct {
	MaxMessageSize int64
	SendQueue      int
	Stats          Stats
	// Cluster links this server's hubs to the other nodes of a cluster;
	// nil (the default) when it runs alone. Set it before the server is
	// made (Library.New).
	Cluster Bridge
	// Deflate is the permessage-deflate variant to negotiate; the zero
	// value is off (every library's default). Set it before New, and only
	// to a variant the library declares (Library.Deflate).
	Deflate Deflate

	mu       sync.Mutex
	conns    map[*tracked]struct{}
	closing  bool
	drained  chan struct{} // closed when closing and no connection is left
	shutdown chan struct{} // closed when Shutdown begins
}

type tracked struct{ close CloseFunc }

// NewEnv returns an Env with the suite's standard limits.
func NewEnv() *Env {
	return &Env{
		MaxMessageSize: MaxMessageSize,
		SendQueue:      SendQueue,
		conns:          make(map[*tracked]struct{}),
		drained:        make(chan struct{}),
		shutdown:       make(chan struct{}),
	}
}

// Track registers an open connection and counts it. The returned function
// must be called exactly once when the connection is gone. If the server is
// already shutting down, close is called at once (in its own goroutine).
func (e *Env) Track(close CloseFunc) (untrack func()) {
	t := &tracked{close: close}
	e.Stats.ConnsNow.Add(1)
	e.Stats.ConnsTotal.Add(1)
	e.mu.Lock()
	e.conns[t] = struct{}{}
	closing := e.closing
	e.mu.Unlock()
	if closing {
		go close(CloseGoingAway, "server shutting down")
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			e.Stats.ConnsNow.Add(-1)
			e.mu.Lock()
			delete(e.conns, t)
			if e.closing && len(e.conns) == 0 {
				closeOnce(e.drained)
			}
			e.mu.Unlock()
		})
	}
}

// ShuttingDown is closed when CloseAll begins; long-running handlers (long
// polls, event streams) select on it.
func (e *Env) ShuttingDown() <-chan struct{} { return e.shutdown }

// CloseAll closes every tracked connection with code, and every connection
// tracked later, then waits until all are untracked or ctx expires.
func (e *Env) CloseAll(ctx context.Context, code int, reason string) error {
	e.mu.Lock()
	if !e.closing {
		e.closing = true
		close(e.shutdown)
	}
	for t := range e.conns {
		go t.close(code, reason)
	}
	if len(e.conns) == 0 {
		closeOnce(e.drained)
	}
	e.mu.Unlock()
	select {
	case <-e.drained:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func closeOnce(c chan struct{}) {
	select {
	case <-c:
	default:
		close(c)
	}
}
