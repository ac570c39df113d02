package conformance

import (
	"bufio"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Conn is one raw client connection after the opening handshake. It writes
// exactly the bytes a case asks for and records what went each way.
type Conn struct {
	// Writes go through wq to one writer goroutine so that the case can
	// read while a large write is in progress (a server that echoes while
	// it reads would otherwise deadlock with a client stuck in Write).
	wq        chan func()
	wdone     chan struct{}
	closeOnce sync.Once
	closeErr  error
	wfailed   bool
	mu        sync.Mutex // guards observed and dropped (the writer records failures)
	dropped   int
	nc        net.Conn
	br        *bufio.Reader
	deadline  time.Time // the case's deadline; no wait goes past it
	limit     int64
	sent      []string
	observed  []string
	closed    bool // the server closed TCP (EOF or reset)
}

const acceptGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// Dial opens a TCP connection to addr and performs the opening handshake
// on path, with no extensions and no subprotocol.
func Dial(addr, path string, deadline time.Time, limit int64) (*Conn, error) {
	d := net.Dialer{Deadline: deadline}
	nc, err := d.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	_ = nc.SetDeadline(deadline)
	var k [16]byte
	_, _ = rand.Read(k[:])
	key := base64.StdEncoding.EncodeToString(k[:])
	req := "GET " + path + " HTTP/1.1\r\nHost: " + addr + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if _, err := io.WriteString(nc, req); err != nil {
		nc.Close()
		return nil, fmt.Errorf("handshake write: %w", err)
	}
	br := bufio.NewReaderSize(nc, 64<<10)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("handshake read: %w", err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		nc.Close()
		return nil, fmt.Errorf("handshake: status %s", resp.Status)
	}
	sum := sha1.Sum([]byte(key + acceptGUID))
	if got, want := resp.Header.Get("Sec-WebSocket-Accept"), base64.StdEncoding.EncodeToString(sum[:]); got != want {
		nc.Close()
		return nil, fmt.Errorf("handshake: Sec-WebSocket-Accept %q, want %q", got, want)
	}
	if !strings.EqualFold(resp.Header.Get("Upgrade"), "websocket") {
		nc.Close()
		return nil, fmt.Errorf("handshake: Upgrade %q", resp.Header.Get("Upgrade"))
	}
	c := &Conn{nc: nc, br: br, deadline: deadline, limit: limit, wq: make(chan func(), 1024), wdone: make(chan struct{})}
	go func() {
		defer close(c.wdone)
		for w := range c.wq {
			w()
		}
	}()
	return c, nil
}

// Close closes the TCP connection and waits for the writer to stop. It
// may be called more than once.
func (c *Conn) Close() error {
	c.closeOnce.Do(func() {
		close(c.wq)
		c.closeErr = c.nc.Close()
		<-c.wdone
	})
	return c.closeErr
}

// Send queues frames to be written in one write.
func (c *Conn) Send(frames ...Frame) {
	var b []byte
	for _, f := range frames {
		b = append(b, f.Encode(maskKey())...)
		c.sent = append(c.sent, f.String())
	}
	c.wq <- func() { c.write(b) }
}

// SendChunked writes frames as one byte stream cut into chunk-byte writes,
// pausing delay between writes (slow delivery, as a congested link would).
func (c *Conn) SendChunked(chunk int, delay time.Duration, frames ...Frame) {
	var b []byte
	for _, f := range frames {
		b = append(b, f.Encode(maskKey())...)
		c.sent = append(c.sent, f.String())
	}
	c.sent = append(c.sent, fmt.Sprintf("(the %d bytes above written in chunks of %d bytes, %v apart)", len(b), chunk, delay))
	c.wq <- func() {
		for len(b) > 0 {
			n := min(chunk, len(b))
			if !c.write(b[:n]) {
				return
			}
			b = b[n:]
			if len(b) > 0 && delay > 0 {
				time.Sleep(delay)
			}
		}
	}
}

// SendRaw queues bytes as given, described by note.
func (c *Conn) SendRaw(b []byte, note string) {
	c.sent = append(c.sent, note)
	c.wq <- func() { c.write(b) }
}

// write runs on the writer goroutine; after a failure it writes nothing.
func (c *Conn) write(b []byte) bool {
	if c.wfailed {
		return false
	}
	_ = c.nc.SetWriteDeadline(c.deadline)
	if _, err := c.nc.Write(b); err != nil {
		c.wfailed = true
		c.observe("write failed: " + shortErr(err))
		return false
	}
	return true
}

// ErrClosed is returned by Next once the server has closed TCP.
var ErrClosed = errors.New("TCP connection closed by the server")

// Next reads one frame, waiting at most wait (and never past the case's
// deadline). It returns ErrClosed when the server closed the connection and
// a net.Error with Timeout() when nothing came.
func (c *Conn) Next(wait time.Duration) (Received, error) {
	if c.closed {
		return Received{}, ErrClosed
	}
	d := time.Now().Add(wait)
	if d.After(c.deadline) {
		d = c.deadline
	}
	_ = c.nc.SetReadDeadline(d)
	f, err := readFrame(c.br, c.limit)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			c.observe(fmt.Sprintf("nothing within %v", wait.Round(time.Millisecond)))
			return f, err
		}
		c.closed = true
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || isReset(err) {
			c.observe("TCP closed by server")
			return f, ErrClosed
		}
		c.observe("read failed: " + shortErr(err))
		return f, ErrClosed
	}
	c.observe("received " + f.String())
	return f, nil
}

// maxRecord bounds each case's record of observed events (a case may
// receive tens of thousands of frames); the rest are counted.
const maxRecord = 64

func (c *Conn) observe(s string) {
	c.mu.Lock()
	if len(c.observed) < maxRecord {
		c.observed = append(c.observed, s)
	} else {
		c.dropped++
	}
	c.mu.Unlock()
}

// record returns what was sent and observed (after Close).
func (c *Conn) record() (sent, observed []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	observed = c.observed
	if c.dropped > 0 {
		observed = append(observed, fmt.Sprintf("(%d more events not recorded)", c.dropped))
	}
	return c.sent, observed
}

func isReset(err error) bool {
	s := err.Error()
	return strings.Contains(s, "connection reset") || strings.Contains(s, "broken pipe")
}

func shortErr(err error) string {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return oe.Err.Error()
	}
	return err.Error()
}

func maskKey() [4]byte {
	var k [4]byte
	_, _ = rand.Read(k[:])
	return k
}
