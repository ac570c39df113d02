package rest

import (
	"net/http"
	"sync"
	"time"
)

// tracker registers a long poll or an event stream with the Env while it is
// open: it counts in conns_now and conns_total, and shutdown caps its write
// deadline so that a write blocked on a stalled client ends within
// shutdownWriteGrace. (The handler itself leaves its wait on
// Env.ShuttingDown.)
type tracker struct {
	rc      *http.ResponseController
	untrack func()

	mu      sync.Mutex
	limit   time.Time // latest allowed write deadline once shutdown began
	settled bool      // the handler is returning: leave the connection alone
}

func (s *service) track(w http.ResponseWriter) *tracker {
	t := &tracker{rc: http.NewResponseController(w)}
	t.untrack = s.env.Track(t.close)
	return t
}

// close is the tracker's server.CloseFunc.
func (t *tracker) close(int, string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.settled || !t.limit.IsZero() {
		return
	}
	t.limit = time.Now().Add(shutdownWriteGrace)
	_ = t.rc.SetWriteDeadline(t.limit)
}

// setWriteDeadline allows the next writes d, or less during shutdown.
func (t *tracker) setWriteDeadline(d time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	dl := time.Now().Add(d)
	if !t.limit.IsZero() && t.limit.Before(dl) {
		dl = t.limit
	}
	_ = t.rc.SetWriteDeadline(dl)
}

// closing reports whether shutdown has reached this request.
func (t *tracker) closing() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return !t.limit.IsZero()
}

// release must be called (once) before the handler returns.
func (t *tracker) release() {
	t.mu.Lock()
	t.settled = true
	t.mu.Unlock()
	t.untrack()
}
