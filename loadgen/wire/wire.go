// Package wire is the load generator's client side of every protocol under
// test: a lean RFC 6455 WebSocket client, SockJS framing over its websocket,
// xhr-streaming and xhr-polling transports, an HTTP/1.1 client for the
// REST baseline (echo, publish, short and long polls, Server-Sent Events),
// and length-prefixed messages on plain TCP (the ceiling, servers/tcp).
// All of them share one interface, Conn, so that scenarios and benchmarks
// are written once.
//
// Design goals: no allocation per message in steady state (buffers are
// reused), a whole frame in one write, several queued frames in one write
// (QueueMessage + Flush), reads through a bufio.Reader so that one read
// syscall yields as many frames as have arrived, byte counting at the
// net.Conn so that protocol overhead is visible, and socket reads and
// writes made as raw system calls (see rawConn) so that the Go scheduler
// does not hand the processor to another thread around each of them.
package wire

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

// Proto is a wire protocol.
type Proto string

// Protocols.
const (
	WS     Proto = "ws"     // RFC 6455 WebSocket, binary or text messages
	SockJS Proto = "sockjs" // SockJS framing (text only) over one of its transports (Options.Transport)
	HTTP   Proto = "http"   // HTTP/1.1: POST per message; publish + poll or SSE for broadcast
	TCP    Proto = "tcp"    // plain TCP, length-prefixed messages after a preamble line (tcp.go)
)

// Transport is the SockJS transport of a connection.
type Transport string

// SockJS transports.
const (
	// WebSocket: PREFIX/{server}/{session}/websocket, frames both ways.
	WebSocket Transport = "websocket"
	// XHRStreaming: POST PREFIX/{server}/{session}/xhr_streaming answers a
	// chunked response (a 2048-byte "h" prelude line, then one frame per
	// line) that the server ends after about 128 KiB; the client opens it
	// again. Sending is POST .../xhr_send.
	XHRStreaming Transport = "xhr-streaming"
	// XHRPolling: POST PREFIX/{server}/{session}/xhr answers one frame
	// per request (the server holds it until there is one); the client
	// asks again at once. Sending is POST .../xhr_send.
	XHRPolling Transport = "xhr-polling"
)

// Transports lists the SockJS transports, the default first.
var Transports = []Transport{WebSocket, XHRStreaming, XHRPolling}

// Conn is one client connection. Messages are whole (never fragments).
//
// Writes and reads may run in two goroutines at once (WebSocket, and
// SockJS over any transport: its xhr transports send on a connection of
// their own); two concurrent writers are serialized. An HTTP Conn does one
// exchange at a time and must be used by one goroutine.
type Conn interface {
	// WriteMessage sends p, with anything queued before it, in one write.
	// binary selects the WebSocket opcode; SockJS and HTTP ignore it.
	WriteMessage(binary bool, p []byte) error
	// QueueMessage appends p to the write buffer; Flush sends the buffer
	// in one write. p may be reused as soon as QueueMessage returns.
	QueueMessage(binary bool, p []byte) error
	// Flush writes everything queued.
	Flush() error
	// ReadMessage reads the next message into buf[:0], growing it when it
	// is too small, and returns it; p stays valid until buf is reused.
	ReadMessage(buf []byte) (binary bool, p []byte, err error)
	// Buffered reports whether ReadMessage can make progress without
	// waiting for the network (a whole frame or response is buffered).
	Buffered() bool
	// SetReadDeadline bounds ReadMessage (also its waits between HTTP
	// polls); a deadline in the past interrupts a blocked ReadMessage.
	SetReadDeadline(t time.Time) error
	// SetWriteDeadline bounds writes.
	SetWriteDeadline(t time.Time) error
	// Stats returns the counters so far; safe to call from any goroutine.
	Stats() Stats
	// Close closes the connection (with a WebSocket close frame, best
	// effort, where the protocol has one).
	Close() error
}

// Stats are a connection's counters.
type Stats struct {
	TX, RX     int64 // bytes written to and read from the network (all TCP connections of this Conn)
	Dials      int64 // TCP connections opened
	Requests   int64 // HTTP requests sent (REST; SockJS xhr transports: receiving requests and xhr_send)
	EmptyPolls int64 // HTTP polls answered with no message (REST short and long polls; SockJS xhr-polling)
	LogGaps    int64 // HTTP polls or SSE events that began after the requested position (the server's log had moved on)
	Reconnects int64 // SSE streams ended by the server and opened again with Last-Event-ID
	Refused    int64 // SockJS xhr receiving requests refused with c[2010,...] (a server race) and repeated

	// With permessage-deflate negotiated (WebSocket and SockJS over its
	// websocket; zero otherwise): the WebSocket messages' bytes (SockJS
	// framing included) before compression (sent) and after inflation
	// (received), against TX and RX on the wire, and the variant
	// negotiated (deflateParams.String).
	PayloadTX, PayloadRX int64
	Deflate              string
}

// Subscribe is how an HTTP broadcast subscriber receives messages.
type Subscribe int

// HTTP subscriber modes.
const (
	// Poll: GET /poll?after=SEQ every PollInterval.
	Poll Subscribe = iota
	// LongPoll: GET /poll?after=SEQ&wait=PollWait, again as soon as it
	// answers.
	LongPoll
	// SSE: one Server-Sent Events stream, GET /events?after=SEQ, opened
	// again with Last-Event-ID when the server ends it.
	SSE
)

// Subscribes lists the subscriber modes by name, the default first.
var Subscribes = []struct {
	Name string
	Mode Subscribe
}{{"poll", Poll}, {"longpoll", LongPoll}, {"sse", SSE}}

// String is the mode's name: poll, longpoll or sse.
func (s Subscribe) String() string {
	for _, m := range Subscribes {
		if m.Mode == s {
			return m.Name
		}
	}
	return "Subscribe(" + strconv.Itoa(int(s)) + ")"
}

// HTTPOptions tune the HTTP client.
type HTTPOptions struct {
	// NewConnPerRequest opens a new TCP connection for every request and
	// sends "Connection: close" (no keep-alive). An SSE stream is one
	// request, so one connection, either way.
	NewConnPerRequest bool
	// Subscribe selects polling, long polling or SSE for /broadcast
	// readers.
	Subscribe Subscribe
	// PollInterval is the period of short polls (default 100 ms).
	PollInterval time.Duration
	// PollWait is the wait parameter of long polls (default 30 s).
	PollWait time.Duration
	// After is the sequence number a subscriber starts after: it receives
	// the messages published with higher numbers. 0 means from the oldest
	// message the server retains.
	After uint64
}

// Options configure Dial. The zero value works.
type Options struct {
	// Proto overrides the protocol chosen from the URL scheme (ws -> WS,
	// http -> HTTP, tcp -> TCP). SockJS must be asked for.
	Proto Proto
	// Transport is the SockJS transport ("": WebSocket).
	Transport Transport
	// LocalAddr is the source IP address (nil: chosen by the kernel).
	LocalAddr net.IP
	// HandshakeTimeout bounds the TCP connect and the protocol handshake
	// (default 10 s); ctx can end it sooner.
	HandshakeTimeout time.Duration
	// ReadBufferSize is the size of the read buffer (default 4096).
	ReadBufferSize int
	// WriteBufferSize is the initial capacity of the write buffer
	// (default 4096); it grows to hold what is queued.
	WriteBufferSize int
	// MaxMessageSize bounds a received message (default 64 MiB).
	MaxMessageSize int
	// HTTP tunes the HTTP client.
	HTTP HTTPOptions
	// Deflate is the permessage-deflate offer of WebSocket connections
	// (SockJS's websocket transport included); "" or DeflateOff offers
	// nothing. Messages are compressed when it is negotiated.
	Deflate Deflate
	// DeflateRequired makes a handshake in which the server declines
	// the offer fail.
	DeflateRequired bool
}

func (o *Options) defaults() {
	if o.HandshakeTimeout <= 0 {
		o.HandshakeTimeout = 10 * time.Second
	}
	if o.ReadBufferSize <= 0 {
		o.ReadBufferSize = 4096
	}
	if o.ReadBufferSize < 256 {
		o.ReadBufferSize = 256 // bufio's header peeks need room
	}
	if o.WriteBufferSize <= 0 {
		o.WriteBufferSize = 4096
	}
	if o.MaxMessageSize <= 0 {
		o.MaxMessageSize = 64 << 20
	}
	if o.HTTP.PollInterval <= 0 {
		o.HTTP.PollInterval = 100 * time.Millisecond
	}
	if o.HTTP.PollWait <= 0 {
		o.HTTP.PollWait = 30 * time.Second
	}
}

// Target is a parsed server URL.
type Target struct {
	Proto Proto
	Host  string // host:port, for dialing and the Host header
	Path  string // path, "/" when empty
	Query string // raw query, without '?'
}

// ParseURL parses rawURL and picks the protocol: proto when not empty,
// else from the scheme.
func ParseURL(rawURL string, proto Proto) (Target, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return Target{}, fmt.Errorf("bad URL %q: %w", rawURL, err)
	}
	var port string
	switch u.Scheme {
	case "ws", "http":
		port = "80"
	case "tcp":
		if u.Port() == "" {
			return Target{}, fmt.Errorf("bad URL %q: tcp needs a port", rawURL)
		}
	case "wss", "https":
		return Target{}, fmt.Errorf("bad URL %q: TLS (%s) is not supported", rawURL, u.Scheme)
	default:
		return Target{}, fmt.Errorf("bad URL %q: scheme must be ws, http or tcp", rawURL)
	}
	if u.Host == "" {
		return Target{}, fmt.Errorf("bad URL %q: no host", rawURL)
	}
	if proto == "" {
		switch u.Scheme {
		case "http":
			proto = HTTP
		case "tcp":
			proto = TCP
		default:
			proto = WS
		}
	}
	switch proto {
	case WS, SockJS, HTTP:
		if u.Scheme == "tcp" {
			return Target{}, fmt.Errorf("bad URL %q: -proto %s needs a ws or http URL", rawURL, proto)
		}
	case TCP:
		if u.Scheme != "tcp" {
			return Target{}, fmt.Errorf("bad URL %q: -proto tcp needs a tcp://host:port URL", rawURL)
		}
	default:
		return Target{}, fmt.Errorf("unknown protocol %q (want ws, sockjs, http or tcp)", proto)
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), port)
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	return Target{Proto: proto, Host: host, Path: path, Query: u.RawQuery}, nil
}

// Dial connects to rawURL (the path selects the endpoint, e.g.
// ws://127.0.0.1:8080/echo) and completes the protocol's handshake.
func Dial(ctx context.Context, rawURL string, o Options) (Conn, error) {
	t, err := ParseURL(rawURL, o.Proto)
	if err != nil {
		return nil, err
	}
	return DialTarget(ctx, t, o)
}

// DialTarget is Dial with a parsed URL.
func DialTarget(ctx context.Context, t Target, o Options) (Conn, error) {
	o.defaults()
	ctx, cancel := context.WithTimeout(ctx, o.HandshakeTimeout)
	defer cancel()
	switch t.Proto {
	case WS:
		return dialWS(ctx, t, &o, t.Path)
	case SockJS:
		switch o.Transport {
		case "", WebSocket:
			return dialSockJS(ctx, t, &o)
		case XHRStreaming, XHRPolling:
			return dialXHR(ctx, t, &o)
		}
		return nil, fmt.Errorf("unknown SockJS transport %q (want websocket, xhr-streaming or xhr-polling)", o.Transport)
	case HTTP:
		return dialHTTP(ctx, t, &o)
	case TCP:
		return dialTCPMsg(ctx, t, &o)
	}
	return nil, fmt.Errorf("unknown protocol %q", t.Proto)
}

// counters are shared by every TCP connection of one Conn.
type counters struct {
	tx, rx, dials, requests, emptyPolls, logGaps, reconnects, refused atomic.Int64
	payTX, payRX                                                      atomic.Int64
	deflate                                                           atomic.Value // string, set once at the handshake
}

func (c *counters) stats() Stats {
	return Stats{
		TX: c.tx.Load(), RX: c.rx.Load(), Dials: c.dials.Load(),
		Requests: c.requests.Load(), EmptyPolls: c.emptyPolls.Load(), LogGaps: c.logGaps.Load(),
		Reconnects: c.reconnects.Load(), Refused: c.refused.Load(),
		PayloadTX: c.payTX.Load(), PayloadRX: c.payRX.Load(), Deflate: c.deflateName(),
	}
}

func (c *counters) deflateName() string {
	s, _ := c.deflate.Load().(string)
	return s
}

// countingConn counts bytes at the net.Conn: one atomic add per syscall,
// not per message.
type countingConn struct {
	net.Conn
	c *counters
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.c.rx.Add(int64(n))
	}
	return n, err
}

func (c countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if n > 0 {
		c.c.tx.Add(int64(n))
	}
	return n, err
}

// ipBindAddressNoPort is IP_BIND_ADDRESS_NO_PORT (Linux 4.2+): with a
// source address bound, the port is chosen at connect time, per
// destination, so each source address offers the whole ephemeral range
// to every server.
const ipBindAddressNoPort = 24

// dialTCP opens a TCP connection from o.LocalAddr.
//
// TCP keep-alive probes are off (no use on loopback, and four setsockopt
// calls per dial count when every request opens a connection); Go sets
// TCP_NODELAY on every TCP connection.
func dialTCP(ctx context.Context, addr string, o *Options, cnt *counters) (net.Conn, error) {
	d := net.Dialer{KeepAlive: -1}
	if o.LocalAddr != nil {
		d.LocalAddr = &net.TCPAddr{IP: o.LocalAddr}
		d.Control = func(_, _ string, rc syscall.RawConn) error {
			var serr error
			err := rc.Control(func(fd uintptr) {
				serr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_IP, ipBindAddressNoPort, 1)
			})
			if err != nil {
				return err
			}
			return serr
		}
	}
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	cnt.dials.Add(1)
	if rc := newRawConn(nc, cnt); rc != nil {
		return rc, nil
	}
	return countingConn{Conn: nc, c: cnt}, nil
}

// CloseError is a close frame (WebSocket) or close message (SockJS) from
// the server.
type CloseError struct {
	Code   int
	Reason string
}

func (e *CloseError) Error() string {
	if e.Reason == "" {
		return fmt.Sprintf("closed by server: %d", e.Code)
	}
	return fmt.Sprintf("closed by server: %d %s", e.Code, e.Reason)
}

// StatusError is an HTTP response other than the one expected.
type StatusError struct {
	Code int
	Body string // the start of the body, for the error message
}

func (e *StatusError) Error() string {
	if e.Body == "" {
		return fmt.Sprintf("HTTP status %d", e.Code)
	}
	return fmt.Sprintf("HTTP status %d: %s", e.Code, e.Body)
}

// ProtocolError is a violation of the protocol by the server.
type ProtocolError struct{ Msg string }

func (e *ProtocolError) Error() string { return "protocol error: " + e.Msg }

func protoErr(format string, args ...any) error {
	return &ProtocolError{Msg: fmt.Sprintf(format, args...)}
}

// ErrTooBig is returned when a message exceeds Options.MaxMessageSize.
var ErrTooBig = errors.New("message exceeds the size limit")

// Kind classifies an error in a few stable words, for counting errors by
// kind: "timeout", "eof", "reset", "refused", "closed_<code>",
// "http_<status>", "protocol", "too_big", "canceled" or "other".
func Kind(err error) string {
	var ce *CloseError
	var se *StatusError
	var pe *ProtocolError
	var ne net.Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &ce):
		return "closed_" + strconv.Itoa(ce.Code)
	case errors.As(err, &se):
		return "http_" + strconv.Itoa(se.Code)
	case errors.As(err, &pe):
		return "protocol"
	case errors.Is(err, ErrTooBig):
		return "too_big"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "reset"
	case errors.Is(err, net.ErrClosed):
		return "closed_locally"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "eof"
	}
	return "other"
}
