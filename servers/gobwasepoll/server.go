// Package gobwasepoll serves echo and broadcast with github.com/gobwas/ws
// on an epoll poller (servers/internal/epoll), the "million connections"
// pattern: no goroutine and no read buffer per idle connection.
//
// The accept loop takes connections from our listener and upgrades each
// with ws.Upgrade on the raw connection, in a goroutine that ends with the
// handshake (requests for /healthz and /stats are handed to net/http
// instead, after sniffing the request line). The upgraded connection's
// descriptor, taken with SyscallConn().Control, is registered
// EPOLLIN|EPOLLONESHOT. When it becomes readable a bounded pool of workers
// (GOMAXPROCS × workersPerCPU) reads messages through a worker's own
// bufio.Reader and wsutil.Reader until that buffer is empty, answers or
// publishes them, and re-arms the descriptor.
//
// The traps of this pattern, and what is done about each:
//   - bytes left in a user-space buffer raise no new event: a turn reads
//     until the worker's buffer is empty before re-arming, and no buffer is
//     kept per connection;
//   - a half-sent frame would park a worker on a blocking read: every read
//     of the socket waits at most defaultIOTimeout for the next bytes; a
//     client that stalls mid-message is closed with 1008;
//   - spurious wake-ups: a turn first peeks at the socket without blocking
//     (MSG_PEEK|MSG_DONTWAIT) and re-arms when nothing is there;
//   - shutdown wakes the poller through an eventfd, after every connection
//     got its 1001 and answered or timed out.
//
// Correctness rules are the suite's: wsutil checks frame headers (1002),
// UTF-8 of text messages (1007) and the declared size (1009, before the
// payload is read); the adapter answers control frames itself so that a
// close reason that is not UTF-8 gets 1007 and the peer's code is echoed.
// Echo reads the whole message into the worker's buffer and writes it as
// one frame with one Write. Broadcast compiles each message once with
// ws.CompileFrame; each subscriber has the hub's writer goroutine.
package gobwasepoll

import (
	"context"
	"net"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/gobwas/ws"

	"github.com/wsbench/wsbench/servers/chat"
	"github.com/wsbench/wsbench/servers/hub"
	"github.com/wsbench/wsbench/servers/internal/accept"
	"github.com/wsbench/wsbench/servers/internal/epoll"
	"github.com/wsbench/wsbench/servers/internal/handoff"
	"github.com/wsbench/wsbench/servers/server"
)

const (
	// workersPerCPU sizes the worker pool. Workers block only on a socket
	// that has data (reads) or on a client that does not read (writes,
	// bounded by defaultIOTimeout), so a small multiple of the CPUs is enough.
	workersPerCPU = 32
	// defaultIOTimeout bounds the wait for the next bytes of a message and
	// every echo write.
	defaultIOTimeout = 10 * time.Second
	// handshakeTimeout bounds the opening handshake.
	handshakeTimeout = 10 * time.Second
	// closeWait is how long a connection that was sent a close frame waits
	// for the peer's answer before it is cut.
	closeWait = time.Second
)

type srv struct {
	ioTimeout  time.Duration
	registered func(*conn) // a test's hook, called as each connection is registered

	env  *server.Env
	hub  *hub.Hub
	chat *chat.Hub
	http *server.HTTPServer // /healthz and /stats, on handed-off connections
	hl   *handoff.Listener

	mu      sync.Mutex
	ln      net.Listener
	poller  *epoll.Poller
	tasks   chan *conn
	workers sync.WaitGroup
	closing bool
	drained chan struct{} // closed when Shutdown has closed every connection
}

// New returns the gobwas-on-epoll server.
func New(env *server.Env) server.Server {
	s := &srv{ioTimeout: defaultIOTimeout, env: env, drained: make(chan struct{})}
	s.hub = hub.New(env, func(binary bool, p []byte) any {
		op := ws.OpText
		if binary {
			op = ws.OpBinary
		}
		f, _ := ws.CompileFrame(ws.NewFrame(op, true, p))
		return f
	})
	s.chat = chat.New(env, func(p []byte) any {
		f, _ := ws.CompileFrame(ws.NewFrame(ws.OpText, true, p))
		return f
	})
	notWS := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "websocket: not a websocket handshake", http.StatusBadRequest)
	})
	s.http = server.NewHTTP(env, notWS, notWS)
	return s
}

// Serve implements server.Server.
func (s *srv) Serve(ln net.Listener) error {
	p, err := epoll.New()
	if err != nil {
		return err
	}
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		p.Close()
		return nil
	}
	s.ln, s.poller = ln, p
	s.hl = handoff.NewListener(ln.Addr())
	s.tasks = make(chan *conn, 1024)
	s.mu.Unlock()

	n := runtime.GOMAXPROCS(0) * workersPerCPU
	s.workers.Add(n)
	for range n {
		go func() {
			defer s.workers.Done()
			w := newWorker(s)
			for c := range s.tasks {
				w.turn(c)
			}
		}()
	}
	pollDone := make(chan error, 1)
	go func() { pollDone <- p.Run() }()
	httpDone := make(chan error, 1)
	go func() { httpDone <- s.http.Serve(s.hl) }()

	err = accept.Loop(ln, s.isClosing, s.handshake)
	if err == nil {
		// Shutdown: the poller keeps serving the close handshakes until
		// every connection is gone (or Shutdown gave up).
		<-s.drained
	}
	s.hl.Close()
	<-httpDone
	p.Close()
	<-pollDone
	close(s.tasks)
	s.workers.Wait()
	return err
}

// isClosing reports whether Shutdown has begun.
func (s *srv) isClosing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

// Shutdown implements server.Server: the listener closes, every connection
// gets 1001, and once they are gone the poller and the workers stop.
func (s *srv) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	ln := s.ln
	s.mu.Unlock()
	if ln != nil {
		ln.Close()
	}
	defer close(s.drained)
	return s.http.Shutdown(ctx) // closes the handoff listener and every tracked connection
}
