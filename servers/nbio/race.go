//go:build race

package nbio

import (
	"net"
	"sync"

	"github.com/lesismal/nbio"
	"github.com/lesismal/nbio/nbhttp"
)

// nbio hands each new connection from its accept goroutine to a poller
// goroutine through epoll (the poller reads it after epoll_wait reports
// it), a synchronisation the race detector cannot see: it reports the
// poller's first reads of the connection (its remote address) as races.
// In race builds only, a mutex touched on both sides makes that hand-off
// visible.
var handoff sync.Mutex

func raceHandoff(e *nbhttp.Engine) {
	e.OnOpen(func(net.Conn) { handoff.Lock(); handoff.Unlock() }) // accept side, before epoll_ctl
	e.Engine.OnReadBufferAlloc(func(c *nbio.Conn) *[]byte {       // poller side, before each read
		handoff.Lock()
		handoff.Unlock()
		return e.Engine.PollerBufferPtr(c)
	})
}
