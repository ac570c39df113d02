package wire

import (
	"io"
	"net"
	"syscall"
	"unsafe"
)

// rawConn is a TCP connection whose reads and writes make their system
// calls without telling the Go scheduler (syscall.RawSyscall), inside
// syscall.RawConn's Read and Write so that the netpoller still waits for
// readiness, deadlines still apply and the descriptor cannot be closed
// underneath.
//
// Why: the sockets are non-blocking, so these calls never block, but a
// loopback write that carries a batch of frames runs the receiver's TCP
// input too and easily lasts longer than the scheduler's 20 µs syscall
// threshold. The runtime then hands the processor to another thread and
// parks this one when the call returns: two thread switches per batch,
// which were a large part of the client's CPU time when pinned to one
// core. A load generator must cost less per message than the servers it
// measures.
type rawConn struct {
	net.Conn
	rc  syscall.RawConn
	cnt *counters
	rd  rawOp // used by the reading goroutine only
	wr  rawOp // used under the caller's write lock only
}

// rawOp is one read or write, kept in the connection so that the callback
// handed to RawConn does not allocate per call.
type rawOp struct {
	buf   []byte
	n     int
	errno syscall.Errno
	fn    func(fd uintptr) bool
}

func newRawConn(nc net.Conn, cnt *counters) *rawConn {
	tc, ok := nc.(*net.TCPConn)
	if !ok {
		return nil
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return nil
	}
	c := &rawConn{Conn: nc, rc: rc, cnt: cnt}
	c.rd.fn = c.rd.read
	c.wr.fn = c.wr.write
	return c
}

func (o *rawOp) read(fd uintptr) bool {
	for {
		r, _, e := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&o.buf[0])), uintptr(len(o.buf)))
		switch e {
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return false // wait for the poller
		}
		o.n, o.errno = int(r), e
		return true
	}
}

func (o *rawOp) write(fd uintptr) bool {
	for o.n < len(o.buf) {
		p := o.buf[o.n:]
		r, _, e := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
		switch e {
		case 0:
			o.n += int(r)
		case syscall.EINTR:
		case syscall.EAGAIN:
			return false // wait for the poller, then go on
		default:
			o.errno = e
			return true
		}
	}
	return true
}

func (c *rawConn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	o := &c.rd
	o.buf, o.n, o.errno = p, 0, 0
	err := c.rc.Read(o.fn)
	o.buf = nil
	switch {
	case err != nil:
		return 0, wrapOp("read", c.Conn, err)
	case o.errno != 0:
		return 0, wrapOp("read", c.Conn, o.errno)
	case o.n == 0:
		return 0, io.EOF
	}
	c.cnt.rx.Add(int64(o.n))
	return o.n, nil
}

func (c *rawConn) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	o := &c.wr
	o.buf, o.n, o.errno = p, 0, 0
	err := c.rc.Write(o.fn)
	o.buf = nil
	n := o.n
	if n > 0 {
		c.cnt.tx.Add(int64(n))
	}
	switch {
	case err != nil:
		return n, wrapOp("write", c.Conn, err)
	case o.errno != 0:
		return n, wrapOp("write", c.Conn, o.errno)
	}
	return n, nil
}

// wrapOp shapes an error like the net package's, so that errors.Is/As
// (deadline, reset, closed) work as for a plain net.Conn.
func wrapOp(op string, c net.Conn, err error) error {
	if oe, ok := err.(*net.OpError); ok {
		oe.Op = op
		return oe
	}
	if e, ok := err.(syscall.Errno); ok {
		err = &osSyscallError{call: op, err: e}
	}
	return &net.OpError{Op: op, Net: "tcp", Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: err}
}

// osSyscallError is os.SyscallError without importing os for one type.
type osSyscallError struct {
	call string
	err  syscall.Errno
}

func (e *osSyscallError) Error() string { return e.call + ": " + e.err.Error() }
func (e *osSyscallError) Unwrap() error { return e.err }
func (e *osSyscallError) Timeout() bool { return e.err.Timeout() }
