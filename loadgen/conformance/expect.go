package conformance

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
	"unicode/utf8"
)

// T is one running case: the connection plus the verdict so far. Its
// methods send, wait for what the RFC requires and downgrade the verdict
// when the server does otherwise; each returns false once there is no
// point going on.
type T struct {
	c       *Conn
	cfg     Config
	verdict Verdict
	notes   []string
}

// note records s once (a loop of round trips repeats the same note).
func (t *T) note(s string) {
	for _, n := range t.notes {
		if n == s {
			return
		}
	}
	t.notes = append(t.notes, s)
}

func (t *T) fail(s string) {
	t.verdict = Failed
	t.note(s)
}

func (t *T) nonStrict(s string) {
	if t.verdict != Failed {
		t.verdict = NonStrict
	}
	t.note(s)
}

func (t *T) info(s string) {
	if t.verdict == OK {
		t.verdict = Informational
	}
	t.note(s)
}

func (t *T) detail() string {
	if len(t.notes) == 0 {
		return "as required"
	}
	return strings.Join(t.notes, "; ")
}

// wait is the longest a case waits for one reply.
func (t *T) wait() time.Duration { return t.cfg.CaseTimeout }

// Send writes frames in one write. A failed write is recorded; what the
// server did is judged by the next expectation.
func (t *T) Send(frames ...Frame) { t.c.Send(frames...) }

// SendChunked writes frames chunk bytes at a time, delay apart.
func (t *T) SendChunked(chunk int, delay time.Duration, frames ...Frame) {
	t.c.SendChunked(chunk, delay, frames...)
}

// Text, Binary, Ping... build single frames.
func Text(p []byte) Frame   { return Frame{Fin: true, Op: OpText, Payload: p} }
func Binary(p []byte) Frame { return Frame{Fin: true, Op: OpBinary, Payload: p} }
func Ping(p []byte) Frame   { return Frame{Fin: true, Op: OpPing, Payload: p} }
func Pong(p []byte) Frame   { return Frame{Fin: true, Op: OpPong, Payload: p} }
func Close(code int, reason string) Frame {
	return Frame{Fin: true, Op: OpClose, Payload: ClosePayload(code, reason)}
}

// Fragment builds a frame of a fragmented message.
func Fragment(op byte, fin bool, p []byte) Frame { return Frame{Fin: fin, Op: op, Payload: p} }

// ExpectMessage waits for one whole message with opcode op and payload p
// (the server may fragment it as it likes).
func (t *T) ExpectMessage(op byte, p []byte) bool { return t.ExpectMessageAndPongs(op, p) }

// ExpectMessageAndPongs waits for one whole message and, in order among
// themselves but anywhere around and between its frames (a server may
// stream an echo before it reads a ping that followed), the pongs.
func (t *T) ExpectMessageAndPongs(op byte, p []byte, pongs ...[]byte) bool {
	var got []byte
	done := false
	first := true
	frames := 0
	for !done || len(pongs) > 0 {
		f, err := t.c.Next(t.wait())
		if err != nil {
			if done {
				t.fail(fmt.Sprintf("expected a pong %s: %s", preview(pongs[0]), waitErr(err)))
			} else {
				t.fail(fmt.Sprintf("expected a %s message of %d bytes: %s", opName(op), len(p), waitErr(err)))
			}
			return false
		}
		if !t.validServerFrame(f) {
			return false
		}
		switch {
		case f.Op == OpPong && len(pongs) > 0 && bytes.Equal(f.Payload, pongs[0]):
			pongs = pongs[1:]
			continue
		case f.Op == OpPong:
			t.fail("unexpected pong " + preview(f.Payload))
			return false
		case f.Op == OpPing:
			continue
		case done:
			t.fail("expected a pong, got " + f.String())
			return false
		case f.Op == OpClose:
			code, reason := closePayload(f.Payload)
			t.fail(fmt.Sprintf("expected a %s message of %d bytes, got close %d %q", opName(op), len(p), code, reason))
			return false
		case first && f.Op != op:
			t.fail(fmt.Sprintf("expected a %s message, got %s", opName(op), opName(f.Op)))
			return false
		case !first && f.Op != OpCont:
			t.fail(fmt.Sprintf("expected a continuation frame, got %s", opName(f.Op)))
			return false
		}
		first = false
		frames++
		got = append(got, f.Payload...)
		done = f.Fin
	}
	if !bytes.Equal(got, p) {
		t.fail(fmt.Sprintf("echo differs: got %d bytes %s, want %d bytes %s", len(got), preview(got), len(p), preview(p)))
		return false
	}
	if frames > 1 {
		t.note(fmt.Sprintf("echo of %d bytes came in %d frames", len(p), frames))
	}
	return true
}

// ExpectPong waits for a pong carrying p.
func (t *T) ExpectPong(p []byte) bool {
	f, err := t.c.Next(t.wait())
	if err != nil {
		t.fail("expected a pong: " + waitErr(err))
		return false
	}
	if !t.validServerFrame(f) {
		return false
	}
	if f.Op != OpPong {
		t.fail("expected a pong, got " + f.String())
		return false
	}
	if !bytes.Equal(f.Payload, p) {
		t.fail(fmt.Sprintf("pong payload %s, want %s", preview(f.Payload), preview(p)))
		return false
	}
	return true
}

// validServerFrame checks what RFC 6455 requires of every server frame.
func (t *T) validServerFrame(f Received) bool {
	switch {
	case f.Masked:
		t.fail("server frame is masked (section 5.1 forbids it)")
	case f.Rsv != 0:
		t.fail(fmt.Sprintf("server frame has RSV bits %d with no extension negotiated", f.Rsv))
	default:
		return true
	}
	return false
}

// ExpectFail waits for the server to fail the connection (section 7.1.7):
// a close frame with one of codes, or the TCP connection closed. A close
// with another code is NON-STRICT; a data frame or silence is FAILED.
func (t *T) ExpectFail(codes ...int) bool {
	return t.expectFailWithin(t.wait(), codes...) == failSeen
}

type failOutcome int

const (
	failSeen failOutcome = iota
	failTimeout
	failWrong
)

func (t *T) expectFailWithin(wait time.Duration, codes ...int) failOutcome {
	partial := 0
	defer func() {
		if partial > 0 {
			t.note(fmt.Sprintf("%d non-final data frame(s) streamed back before that (no complete message)", partial))
		}
	}()
	for {
		f, err := t.c.Next(wait)
		if errors.Is(err, ErrClosed) {
			t.note("server closed TCP without a close frame")
			return failSeen
		}
		if err != nil {
			return failTimeout
		}
		switch f.Op {
		case OpClose:
			code, _ := closePayload(f.Payload)
			if !containsInt(codes, code) {
				got := fmt.Sprintf("close %d", code)
				if len(f.Payload) == 0 {
					got = "an empty close frame (no code)"
				}
				t.nonStrict(fmt.Sprintf("server failed the connection with %s, not %s", got, codeList(codes)))
			} else {
				t.note(fmt.Sprintf("server failed the connection with close %d", code))
			}
			t.drainClose()
			return failSeen
		case OpPong, OpPing:
			t.fail("server answered a control frame instead of failing the connection: " + f.String())
			return failWrong
		case OpText, OpBinary, OpCont:
			if !f.Fin {
				partial++ // a streaming echo of bytes sent before the violation
				continue
			}
			t.fail("server went on instead of failing the connection: it completed a message, " + f.String())
			return failWrong
		default:
			t.fail("server went on instead of failing the connection: " + f.String())
			return failWrong
		}
	}
}

// ExpectFailFast sends rest only if the server has not failed the
// connection within cfg.FailFast of the invalid part: failing before the
// rest arrives is OK, failing after it NON-STRICT.
func (t *T) ExpectFailFast(rest []Frame, codes ...int) {
	switch t.expectFailWithin(t.cfg.FailFast, codes...) {
	case failSeen:
		return
	case failWrong:
		return
	}
	t.Send(rest...)
	switch t.expectFailWithin(t.wait(), codes...) {
	case failSeen:
		t.nonStrict("server failed the connection only after the message was complete")
	case failTimeout:
		t.fail("server never failed the connection: " + codeList(codes) + " expected")
	}
}

// drainClose sends the client's close reply after the server's close and
// waits for TCP to close.
func (t *T) drainClose() {
	t.Send(Close(1000, ""))
	for i := 0; i < 4; i++ {
		if _, err := t.c.Next(2 * time.Second); err != nil {
			return
		}
	}
}

// CloseNormally runs the closing handshake from the client with 1000: the
// server must answer with a close frame (echoing the code) and close TCP.
func (t *T) CloseNormally() bool { return t.CloseWith(Close(1000, ""), 1000) }

// CloseWith sends close frame f and expects a close carrying one of want
// (none: an empty close or 1000), then TCP closed by the server.
func (t *T) CloseWith(f Frame, want ...int) bool {
	if len(want) == 0 {
		want = []int{0, 1000}
	}
	t.Send(f)
	for {
		r, err := t.c.Next(t.wait())
		if err != nil {
			t.fail("no close frame in reply to the client's close: " + waitErr(err))
			return false
		}
		if (r.Op == OpText || r.Op == OpBinary || r.Op == OpCont) && !r.Fin {
			continue // a streaming echo of a message begun before the close
		}
		if r.Op != OpClose {
			t.fail("server answered a frame sent after the client's close: " + r.String())
			return false
		}
		code, reason := closePayload(r.Payload)
		if !utf8.ValidString(reason) {
			t.fail("server close reason is not UTF-8")
		}
		if !containsInt(want, code) {
			t.nonStrict(fmt.Sprintf("the client's close was answered with %d, expected %s", code, codeList(want)))
		}
		break
	}
	if _, err := t.c.Next(t.wait()); errors.Is(err, ErrClosed) {
		return true
	} else if err != nil {
		t.nonStrict("server kept TCP open after the closing handshake")
		return false
	}
	t.fail("server sent a frame after its close frame")
	return false
}

func waitErr(err error) string {
	if errors.Is(err, ErrClosed) {
		return "the server closed TCP"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timed out"
	}
	return err.Error()
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func codeList(codes []int) string {
	var s []string
	for _, c := range codes {
		s = append(s, fmt.Sprint(c))
	}
	return "close " + strings.Join(s, " or ")
}
