package gobwasepoll

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"time"
	"unsafe"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
	"golang.org/x/sys/unix"

	"github.com/wsbench/wsbench/servers/server"
)

const (
	// readBufferSize is each worker's bufio.Reader (not per connection).
	readBufferSize = 4096
	// keepBuffer is the largest message buffer a worker keeps between
	// turns.
	keepBuffer = 1 << 20
)

// errPeerClosed: the peer sent a close frame and it was answered.
var errPeerClosed = errors.New("gobwas-epoll: closed by peer")

// closeError ends the connection with a close frame carrying code.
type closeError struct {
	code   ws.StatusCode
	reason string
}

func (e *closeError) Error() string { return "gobwas-epoll: " + e.reason }

// worker reads and answers the messages of one ready connection at a
// time. Its buffers serve every connection it handles.
type worker struct {
	s   *srv
	br  *bufio.Reader
	rd  wsutil.Reader
	cur *conn

	buf     []byte // ws.MaxHeaderSize of headroom, then the message
	ctl     [2 + ws.MaxControlFramePayloadSize]byte
	hdr     [ws.MaxHeaderSize]byte
	head    headroom
	one     [1]byte
	discard []byte

	stall stallReader // the socket, read under a deadline renewed by progress

	onControl func(ws.Header, io.Reader) error
	peekFn    func(fd uintptr) // through RawConn.Control: no deadline applies
	drainFn   func(fd uintptr)
	sysN      int
	sysErr    error
}

func newWorker(s *srv) *worker {
	w := &worker{s: s, br: bufio.NewReaderSize(nil, readBufferSize), discard: make([]byte, 16<<10)}
	w.onControl = w.control
	w.resetReader()
	w.peekFn = func(fd uintptr) {
		// Never wait: an empty socket means a spurious wake-up.
		// recvfrom(2) without a source address: unix.Recvfrom would
		// allocate one on every call.
		n, _, errno := unix.Syscall6(unix.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(&w.one[0])), 1,
			unix.MSG_PEEK|unix.MSG_DONTWAIT, 0, 0)
		w.sysN, w.sysErr = int(n), nil
		if errno != 0 {
			w.sysN, w.sysErr = -1, errno
		}
	}
	w.drainFn = func(fd uintptr) {
		for {
			w.sysN, w.sysErr = unix.Read(int(fd), w.discard)
			if w.sysN <= 0 || w.sysErr != nil {
				return
			}
		}
	}
	return w
}

// stallReader reads the socket with a deadline renewed before every read:
// a client that sends slowly is served, one that stops sending mid-message
// releases the worker after timeout.
type stallReader struct {
	nc      net.Conn
	timeout time.Duration
}

func (r *stallReader) Read(p []byte) (int, error) {
	_ = r.nc.SetReadDeadline(time.Now().Add(r.timeout))
	return r.nc.Read(p)
}

// resetReader prepares the message reader, which is kept between turns
// (a fresh one would allocate its unmasking reader on every turn): after
// a whole message it is ready for the next one, after an error it is
// made anew.
func (w *worker) resetReader() {
	w.rd = wsutil.Reader{
		Source:         w.br,
		State:          ws.StateServerSide,
		CheckUTF8:      true,
		MaxMessageSize: w.s.env.MaxMessageSize,
		OnIntermediate: w.onControl,
	}
}

// headroom receives a frame header written by ws.WriteHeaderBuffer and
// puts it right before the payload.
type headroom struct{ dst []byte }

func (h *headroom) Write(p []byte) (int, error) {
	copy(h.dst[len(h.dst)-len(p):], p)
	return len(p), nil
}

// turn serves one readiness event of c.
func (w *worker) turn(c *conn) {
	c.smu.Lock()
	released, draining := c.released, c.draining
	c.smu.Unlock()
	if released {
		return // an event queued before the connection ended
	}
	if draining {
		w.drain(c)
		return
	}
	if err := c.rc.Control(w.peekFn); err != nil {
		c.release()
		return
	}
	switch {
	case errors.Is(w.sysErr, unix.EAGAIN):
		c.rearm() // spurious wake-up
		return
	case w.sysErr != nil, w.sysN == 0:
		c.release() // reset or orderly shutdown by the peer
		return
	}
	w.cur = c
	w.stall = stallReader{nc: c.nc, timeout: w.s.ioTimeout}
	w.br.Reset(&w.stall)
	for {
		if !c.broadcast {
			_ = c.nc.SetWriteDeadline(time.Now().Add(w.s.ioTimeout)) // the echo is written by this worker
		}
		if err := w.message(c); err != nil {
			w.br.Reset(nil)
			w.resetReader() // it may have stopped mid-message
			w.fail(c, err)
			return
		}
		// Drain before re-arming: bytes in the buffer raise no event.
		if w.br.Buffered() == 0 {
			break
		}
	}
	w.br.Reset(nil)
	w.cur = nil
	if cap(w.buf) > keepBuffer {
		w.buf = nil
	}
	c.rearm()
}

// message reads one data message (answering control frames) and echoes or
// publishes it.
func (w *worker) message(c *conn) error {
	var h ws.Header
	for {
		var err error
		if h, err = w.rd.NextFrame(); err != nil {
			return err
		}
		if !h.OpCode.IsControl() {
			break
		}
		if err := w.control(h, &w.rd); err != nil {
			return err
		}
	}
	if cap(w.buf) < ws.MaxHeaderSize+int(h.Length) {
		w.buf = make([]byte, 0, ws.MaxHeaderSize+max(int(h.Length), 512))
	}
	buf := w.buf[:ws.MaxHeaderSize]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // grow
		}
		n, err := w.rd.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
	}
	w.buf = buf
	payload := buf[ws.MaxHeaderSize:]
	if c.chat != nil {
		w.s.chat.HandleRaw(c.chat, payload) // counts it; copies what it keeps
		return nil
	}
	w.s.env.Stats.MsgsIn.Add(1)
	if c.broadcast {
		w.s.hub.Publish(h.OpCode == ws.OpBinary, payload)
		return nil
	}
	out := ws.Header{Fin: true, OpCode: h.OpCode, Length: int64(len(payload))}
	hn := ws.HeaderSize(out)
	w.head.dst = buf[:ws.MaxHeaderSize]
	if err := ws.WriteHeaderBuffer(&w.head, out, w.hdr[:]); err != nil {
		return err
	}
	if err := c.write(buf[ws.MaxHeaderSize-hn:]); err != nil {
		return err
	}
	w.s.env.Stats.MsgsOut.Add(1)
	return nil
}

// control answers a control frame whose (unmasked) payload is r: pong for
// ping, the peer's code for close.
func (w *worker) control(h ws.Header, r io.Reader) error {
	p := w.ctl[2 : 2+h.Length]
	if _, err := io.ReadFull(r, p); err != nil {
		return err
	}
	c := w.cur
	switch h.OpCode {
	case ws.OpPing:
		w.ctl[0], w.ctl[1] = 0x80|byte(ws.OpPong), byte(len(p))
		if err := c.write(w.ctl[:2+len(p)]); err != nil && !errors.Is(err, errCloseSent) {
			return err
		}
		return nil
	case ws.OpClose:
		switch len(p) {
		case 0:
			w.ctl[0], w.ctl[1] = 0x80|byte(ws.OpClose), 0
			_ = c.write(w.ctl[:2]) // errCloseSent when it answers our own close
			return errPeerClosed
		case 1:
			return &closeError{ws.StatusProtocolError, "close frame with a one-byte payload"}
		}
		code, reason := ws.ParseCloseFrameDataUnsafe(p)
		switch err := ws.CheckCloseFrameData(code, reason); {
		case errors.Is(err, ws.ErrProtocolInvalidUTF8):
			return &closeError{ws.StatusInvalidFramePayloadData, "invalid UTF-8 in the close reason"}
		case err != nil:
			return &closeError{ws.StatusProtocolError, err.Error()}
		}
		w.ctl[0], w.ctl[1] = 0x80|byte(ws.OpClose), 2
		_ = c.write(w.ctl[:4]) // the peer's code, already in place; errCloseSent when it answers our own close
		return errPeerClosed
	}
	return nil // pong
}

// fail ends c after a read error: with the close frame the error calls
// for, then a drain of the peer's remaining input until it closes (so that
// the kernel does not reset a connection with unread input before the
// close frame arrives), or at once.
func (w *worker) fail(c *conn, err error) {
	code, reason := closeCode(err)
	if code == 0 {
		c.release()
		return
	}
	_ = c.nc.SetWriteDeadline(time.Now().Add(closeWait))
	if c.writeClose(code, reason) != nil {
		c.release()
		return
	}
	if tc, ok := c.nc.(interface{ CloseWrite() error }); ok {
		_ = tc.CloseWrite()
	}
	c.smu.Lock()
	c.draining = true
	c.smu.Unlock()
	time.AfterFunc(closeWait, c.release)
	c.rearm()
}

// closeCode maps a read error to the close frame it calls for (0: none).
func closeCode(err error) (ws.StatusCode, string) {
	var ce *closeError
	var pe ws.ProtocolError
	switch {
	case errors.As(err, &ce):
		return ce.code, ce.reason
	case errors.Is(err, wsutil.ErrMessageTooLarge):
		return ws.StatusMessageTooBig, "message too big"
	case errors.Is(err, wsutil.ErrInvalidUTF8):
		return ws.StatusInvalidFramePayloadData, "invalid UTF-8 in a text message"
	case errors.As(err, &pe), errors.Is(err, ws.ErrHeaderLengthMSB), errors.Is(err, ws.ErrHeaderLengthUnexpected):
		return ws.StatusProtocolError, err.Error()
	case errors.Is(err, os.ErrDeadlineExceeded):
		return server.ClosePolicy, "message stalled"
	}
	return 0, ""
}

// drain discards what a closing connection's peer still sends, until it
// closes.
func (w *worker) drain(c *conn) {
	if err := c.rc.Control(w.drainFn); err != nil || !errors.Is(w.sysErr, unix.EAGAIN) {
		c.release() // end of input (or an error): the peer is done
		return
	}
	c.rearm()
}
