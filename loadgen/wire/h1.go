package wire

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"time"
)

// h1 is the HTTP/1.1 plumbing shared by the REST client (httpConn) and
// SockJS's HTTP transports (xhrConn): one TCP connection at a time, dialed
// again when the server or the options close it; deadlines that survive
// the redials; response heads and bodies parsed into reused buffers, or
// read as a stream (Server-Sent Events, xhr-streaming) line by line.
type h1 struct {
	host    string // host:port to dial
	o       *Options
	cnt     *counters
	newConn bool // a new TCP connection for every request

	mu     sync.Mutex // guards nc, the deadlines and closed against other goroutines
	nc     net.Conn
	rdl    time.Time
	wdl    time.Time
	closed bool
	wake   chan struct{} // poked by SetReadDeadline and Close
	timer  *time.Timer

	br *bufio.Reader

	// the response being read
	status   int
	clen     int64 // Content-Length; -1 when there is none
	chunked  bool
	srvClose bool   // "Connection: close"
	lastSeq  uint64 // REST: X-Last-Seq
	firstSeq uint64 // REST: X-First-Seq

	// a streamed body
	body bodyReader
	sr   *bufio.Reader // lines of body
	long []byte        // a line longer than sr's buffer, assembled
}

// init prepares h; the connection is dialed by the first conn().
func (h *h1) init(host string, o *Options, cnt *counters) {
	h.host, h.o, h.cnt = host, o, cnt
	h.wake = make(chan struct{}, 1)
	h.body.h = h
}

// dial opens the first connection within ctx.
func (h *h1) dial(ctx context.Context) error {
	nc, err := dialTCP(ctx, h.host, h.o, h.cnt)
	if err != nil {
		return err
	}
	return h.attach(nc)
}

// attach makes nc the connection, with the current deadlines.
func (h *h1) attach(nc net.Conn) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		nc.Close()
		return net.ErrClosed
	}
	h.nc = nc
	_ = nc.SetReadDeadline(h.rdl)
	_ = nc.SetWriteDeadline(h.wdl)
	if h.br == nil {
		h.br = bufio.NewReaderSize(nc, h.o.ReadBufferSize)
	} else {
		h.br.Reset(nc)
	}
	return nil
}

// conn returns the TCP connection, dialing one when there is none.
func (h *h1) conn() (net.Conn, error) {
	h.mu.Lock()
	nc, closed := h.nc, h.closed
	h.mu.Unlock()
	if closed {
		return nil, net.ErrClosed
	}
	if nc != nil {
		return nc, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), h.o.HandshakeTimeout)
	nc, err := dialTCP(ctx, h.host, h.o, h.cnt)
	cancel()
	if err != nil {
		return nil, err
	}
	if err := h.attach(nc); err != nil {
		return nil, err
	}
	return nc, nil
}

// drop closes the TCP connection after an error or a "Connection: close";
// the next request dials a new one.
func (h *h1) drop() {
	h.mu.Lock()
	if h.nc != nil {
		h.nc.Close()
		h.nc = nil
	}
	h.mu.Unlock()
}

// keep reports whether the connection may carry another request after an
// exchange that ended with err.
func (h *h1) keep(err error) bool { return err == nil && !h.srvClose && !h.newConn }

// send writes one request (or several) and counts them.
func (h *h1) send(req []byte, requests int64) error {
	nc, err := h.conn()
	if err != nil {
		return err
	}
	_, err = nc.Write(req)
	h.cnt.requests.Add(requests)
	return err
}

// exchange writes one request and reads its whole response body into dst
// (at most limit bytes); the connection is dropped unless it may be kept.
func (h *h1) exchange(req, dst []byte, limit int64) ([]byte, error) {
	err := h.send(req, 1)
	if err == nil {
		dst, err = h.readResponse(dst[:0], limit)
	}
	if !h.keep(err) {
		h.drop()
	}
	return dst, err
}

// waitUntil sleeps until t (no wait when t is past or zero), returning
// early with a timeout error when the read deadline passes, and with
// net.ErrClosed when the connection is closed.
func (h *h1) waitUntil(t time.Time) error {
	for {
		h.mu.Lock()
		dl, closed := h.rdl, h.closed
		h.mu.Unlock()
		now := time.Now()
		switch {
		case closed:
			return net.ErrClosed
		case !dl.IsZero() && !now.Before(dl):
			return os.ErrDeadlineExceeded
		case !now.Before(t):
			return nil
		}
		until := t
		if !dl.IsZero() && dl.Before(until) {
			until = dl
		}
		if h.timer == nil {
			h.timer = time.NewTimer(until.Sub(now))
		} else {
			h.timer.Reset(until.Sub(now))
		}
		select {
		case <-h.timer.C:
		case <-h.wake:
			h.timer.Stop()
		}
	}
}

// readHeadFinal reads response heads until a final (non-1xx) one.
func (h *h1) readHeadFinal() error {
	for {
		if err := h.readHead(); err != nil {
			return err
		}
		if h.status >= 200 {
			return nil
		}
	}
}

// readResponse reads one response's head into h.status etc. and its body
// into dst.
func (h *h1) readResponse(dst []byte, limit int64) ([]byte, error) {
	if err := h.readHeadFinal(); err != nil {
		return dst, err
	}
	return h.readBody(dst, limit)
}

// readBody reads the body of the response whose head was just read.
func (h *h1) readBody(dst []byte, limit int64) ([]byte, error) {
	if h.status == 204 || h.status == 304 {
		return dst, nil
	}
	if h.chunked {
		return h.readChunked(dst, limit)
	}
	if h.clen < 0 { // until the server closes
		h.srvClose = true
		for {
			if int64(len(dst)) >= limit {
				return dst, ErrTooBig
			}
			m := len(dst)
			dst = grow(dst, 4096)
			n, err := h.br.Read(dst[m:])
			dst = dst[:m+n]
			if err == io.EOF {
				return dst, nil
			}
			if err != nil {
				return dst, err
			}
		}
	}
	if h.clen > limit {
		return dst, ErrTooBig
	}
	m := len(dst)
	dst = grow(dst, int(h.clen))
	if _, err := io.ReadFull(h.br, dst[m:]); err != nil {
		return dst[:m], err
	}
	return dst, nil
}

// errorBody reads the start of an unexpected response's body for the
// error message, without waiting for a body that does not end.
func (h *h1) errorBody() string {
	if h.chunked || h.clen < 0 || h.clen > 1<<10 {
		h.srvClose = true // the rest is not read: the connection cannot be reused
		n := min(h.br.Buffered(), 200)
		b, _ := h.br.Peek(n)
		return firstLine(b)
	}
	b, err := h.readBody(nil, 1<<10)
	if err != nil {
		h.srvClose = true
	}
	return firstLine(b)
}

func (h *h1) readHead() error {
	line, err := h.br.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			return protoErr("status line too long")
		}
		return err
	}
	st, ok := parseStatus(line)
	if !ok {
		return protoErr("bad status line %q", firstLine(line))
	}
	h.status, h.clen, h.chunked, h.srvClose, h.lastSeq, h.firstSeq = st, -1, false, false, 0, 0
	for {
		line, err := h.br.ReadSlice('\n')
		if err != nil {
			if errors.Is(err, bufio.ErrBufferFull) {
				return protoErr("header line too long")
			}
			return err
		}
		line = trimSpace(line)
		if len(line) == 0 {
			return nil
		}
		i := bytes.IndexByte(line, ':')
		if i <= 0 {
			return protoErr("bad header line")
		}
		name, val := trimSpace(line[:i]), trimSpace(line[i+1:])
		switch {
		case bytes.EqualFold(name, []byte("content-length")):
			n, ok := parseDec(val)
			if !ok {
				return protoErr("bad Content-Length")
			}
			h.clen = int64(n)
		case bytes.EqualFold(name, []byte("transfer-encoding")):
			h.chunked = bytes.EqualFold(val, []byte("chunked"))
			if !h.chunked {
				return protoErr("unsupported Transfer-Encoding")
			}
		case bytes.EqualFold(name, []byte("connection")):
			h.srvClose = bytes.EqualFold(val, []byte("close"))
		case bytes.EqualFold(name, []byte("x-last-seq")):
			h.lastSeq, _ = parseDec(val)
		case bytes.EqualFold(name, []byte("x-first-seq")):
			h.firstSeq, _ = parseDec(val)
		}
	}
}

// chunkSize reads a chunk-size line; at the last chunk (0) it also reads
// the trailers.
func (h *h1) chunkSize(limit int64) (int64, error) {
	line, err := h.br.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			return 0, protoErr("chunk size line too long")
		}
		return 0, err
	}
	var n int64
	i := 0
loop:
	for ; i < len(line); i++ {
		ch := line[i]
		d, ok := hexDigit(ch)
		if !ok {
			break loop
		}
		n = n<<4 | int64(d)
		if n > limit {
			return 0, ErrTooBig
		}
	}
	if i == 0 {
		return 0, protoErr("bad chunk size")
	}
	if n == 0 {
		for { // trailers
			line, err := h.br.ReadSlice('\n')
			if err != nil {
				return 0, err
			}
			if len(trimSpace(line)) == 0 {
				return 0, nil
			}
		}
	}
	return n, nil
}

// readChunked reads a whole chunked body.
func (h *h1) readChunked(dst []byte, limit int64) ([]byte, error) {
	for {
		n, err := h.chunkSize(limit)
		if err != nil {
			return dst, err
		}
		if n == 0 {
			return dst, nil
		}
		if int64(len(dst))+n > limit {
			return dst, ErrTooBig
		}
		m := len(dst)
		dst = grow(dst, int(n))
		if _, err := io.ReadFull(h.br, dst[m:]); err != nil {
			return dst[:m], err
		}
		if _, err := h.br.Discard(2); err != nil { // CRLF
			return dst, err
		}
	}
}

// startStream begins reading the body of the response whose head was just
// read as a stream of lines (line).
func (h *h1) startStream() {
	h.body.start()
	if h.sr == nil {
		h.sr = bufio.NewReaderSize(&h.body, h.o.ReadBufferSize)
	} else {
		h.sr.Reset(&h.body)
	}
}

// line returns the next line of the streamed body without its line end
// ("\n" or "\r\n"); it stays valid until the next call. At the end of the
// body it returns io.EOF: the server ended the response.
func (h *h1) line() ([]byte, error) {
	l, err := h.sr.ReadSlice('\n')
	if err == nil {
		return trimEOL(l), nil
	}
	if !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	h.long = append(h.long[:0], l...)
	for {
		l, err = h.sr.ReadSlice('\n')
		h.long = append(h.long, l...)
		switch {
		case err == nil:
			return trimEOL(h.long), nil
		case !errors.Is(err, bufio.ErrBufferFull):
			return nil, err
		case len(h.long) > 2*h.o.MaxMessageSize+1024: // base64 or JSON escapes: up to twice the message
			return nil, ErrTooBig
		}
	}
}

// streamBuffered reports whether a whole line of the stream is buffered.
func (h *h1) streamBuffered() bool {
	if h.sr == nil || h.sr.Buffered() == 0 {
		return false
	}
	b, _ := h.sr.Peek(h.sr.Buffered())
	return bytes.IndexByte(b, '\n') >= 0
}

func trimEOL(l []byte) []byte {
	l = l[:len(l)-1]
	if len(l) > 0 && l[len(l)-1] == '\r' {
		l = l[:len(l)-1]
	}
	return l
}

// bodyReader reads one response body as it arrives: chunked, with a
// Content-Length, or until the connection closes. It returns io.EOF at
// the body's end.
type bodyReader struct {
	h       *h1
	mode    int8
	left    int64 // bytes left in the current chunk (chunked) or the body (length)
	crlf    bool  // chunked: the CRLF after a chunk's data is still to be read
	eof     bool
	started bool
}

const (
	bodyChunked int8 = iota
	bodyLength
	bodyToClose
)

func (b *bodyReader) start() {
	h := b.h
	b.left, b.crlf, b.eof, b.started = 0, false, false, true
	switch {
	case h.status == 204 || h.status == 304:
		b.mode, b.eof = bodyLength, true
	case h.chunked:
		b.mode = bodyChunked
	case h.clen >= 0:
		b.mode, b.left = bodyLength, h.clen
	default:
		b.mode = bodyToClose
		h.srvClose = true
	}
}

func (b *bodyReader) Read(p []byte) (int, error) {
	if b.eof || !b.started {
		return 0, io.EOF
	}
	br := b.h.br
	switch b.mode {
	case bodyToClose:
		n, err := br.Read(p)
		if err == io.EOF {
			b.eof = true
		}
		return n, err
	case bodyLength:
		if b.left == 0 {
			b.eof = true
			return 0, io.EOF
		}
	case bodyChunked:
		if b.left == 0 {
			if b.crlf {
				if _, err := br.Discard(2); err != nil {
					return 0, unexpected(err)
				}
				b.crlf = false
			}
			n, err := b.h.chunkSize(1 << 40)
			if err != nil {
				return 0, unexpected(err)
			}
			if n == 0 {
				b.eof = true
				return 0, io.EOF
			}
			b.left = n
		}
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := br.Read(p)
	b.left -= int64(n)
	if b.mode == bodyChunked && b.left == 0 {
		b.crlf = true
	}
	return n, unexpected(err)
}

// unexpected turns io.EOF inside a body into io.ErrUnexpectedEOF: the
// connection ended before the body did.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r' || b[len(b)-1] == '\n') {
		b = b[:len(b)-1]
	}
	return b
}

func (h *h1) poke() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

func (h *h1) setDeadlines(rd, wd time.Time, setRead, setWrite bool) {
	h.mu.Lock()
	if setRead {
		h.rdl = rd
	}
	if setWrite {
		h.wdl = wd
	}
	if h.nc != nil {
		if setRead {
			_ = h.nc.SetReadDeadline(rd)
		}
		if setWrite {
			_ = h.nc.SetWriteDeadline(wd)
		}
	}
	h.mu.Unlock()
	if setRead {
		h.poke()
	}
}

func (h *h1) SetReadDeadline(t time.Time) error {
	h.setDeadlines(t, time.Time{}, true, false)
	return nil
}

func (h *h1) SetWriteDeadline(t time.Time) error {
	h.setDeadlines(time.Time{}, t, false, true)
	return nil
}

func (h *h1) Close() error {
	h.mu.Lock()
	h.closed = true
	nc := h.nc
	h.nc = nil
	h.mu.Unlock()
	h.poke()
	if nc != nil {
		return nc.Close()
	}
	return nil
}

// hexDigit is the value of one hexadecimal digit.
func hexDigit(ch byte) (byte, bool) {
	switch {
	case ch >= '0' && ch <= '9':
		return ch - '0', true
	case ch >= 'a' && ch <= 'f':
		return ch - 'a' + 10, true
	case ch >= 'A' && ch <= 'F':
		return ch - 'A' + 10, true
	}
	return 0, false
}
