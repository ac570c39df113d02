package conformance

import (
	"encoding/binary"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/wsbench/wsbench/loadgen/wire"
)

// Opcodes (RFC 6455, section 5.2).
const (
	OpCont   = wire.OpContinuation
	OpText   = wire.OpText
	OpBinary = wire.OpBinary
	OpClose  = wire.OpClose
	OpPing   = wire.OpPing
	OpPong   = wire.OpPong
)

// Frame is one WebSocket frame as the client builds it. The client masks
// every frame it sends, as RFC 6455 requires of clients.
type Frame struct {
	Fin     bool
	Rsv     byte // the three RSV bits, 0-7
	Op      byte
	Payload []byte
	// Declared, when non-zero, is the payload length written in the header
	// instead of len(Payload) (to announce a frame that is never finished).
	Declared int64
	// Unmasked sends the frame without a mask (a client must never).
	Unmasked bool
}

// Encode returns the frame's bytes on the wire, masked with key (unless
// Unmasked), in loadgen/wire's codec.
func (f Frame) Encode(key [4]byte) []byte {
	n := int64(len(f.Payload))
	if f.Declared != 0 {
		n = f.Declared
	}
	k := binary.LittleEndian.Uint32(key[:])
	b := wire.AppendFrameHeader(make([]byte, 0, wire.MaxFrameHeader+len(f.Payload)), f.Fin, f.Rsv, f.Op, uint64(n), !f.Unmasked, k)
	start := len(b)
	b = append(b, f.Payload...)
	if !f.Unmasked {
		wire.MaskBytes(k, b[start:])
	}
	return b
}

// String describes the frame for a case's record.
func (f Frame) String() string {
	s := fmt.Sprintf("%s fin=%d", opName(f.Op), b2i(f.Fin))
	if f.Rsv != 0 {
		s += fmt.Sprintf(" rsv=%d", f.Rsv)
	}
	if f.Unmasked {
		s += " unmasked"
	}
	if f.Declared != 0 {
		s += fmt.Sprintf(" declared-len=%d sent-len=%d", f.Declared, len(f.Payload))
	} else {
		s += fmt.Sprintf(" len=%d", len(f.Payload))
	}
	return s + " " + preview(f.Payload)
}

// Received is one frame read from the server.
type Received struct {
	Fin     bool
	Rsv     byte
	Op      byte
	Masked  bool
	Payload []byte
}

func (r Received) String() string {
	s := fmt.Sprintf("%s fin=%d len=%d", opName(r.Op), b2i(r.Fin), len(r.Payload))
	if r.Rsv != 0 {
		s += fmt.Sprintf(" rsv=%d", r.Rsv)
	}
	if r.Masked {
		s += " masked"
	}
	if r.Op == OpClose {
		code, reason := closePayload(r.Payload)
		return s + fmt.Sprintf(" code=%d reason=%q", code, reason)
	}
	return s + " " + preview(r.Payload)
}

// CloseCode is the status code of a close frame (0 when it has none).
func (r Received) CloseCode() int {
	code, _ := closePayload(r.Payload)
	return code
}

// readFrame reads one frame; limit bounds the payload the client accepts.
func readFrame(r io.Reader, limit int64) (Received, error) {
	var hb [wire.MaxFrameHeader]byte
	if _, err := io.ReadFull(r, hb[:2]); err != nil {
		return Received{}, err
	}
	h, hl := wire.ParseFrameHeader(hb[:2])
	f := Received{Fin: h.Fin, Rsv: h.Rsv, Op: h.Op, Masked: h.Masked}
	if _, err := io.ReadFull(r, hb[2:hl]); err != nil {
		return f, err
	}
	h, _ = wire.ParseFrameHeader(hb[:hl])
	if h.Length > uint64(limit) {
		return f, fmt.Errorf("server frame of %d bytes is over the client's limit %d", h.Length, limit)
	}
	f.Payload = make([]byte, h.Length)
	if _, err := io.ReadFull(r, f.Payload); err != nil {
		return f, err
	}
	if f.Masked {
		wire.MaskBytes(h.Key, f.Payload)
	}
	return f, nil
}

// closePayload splits a close frame's payload; code 0 means no code.
func closePayload(p []byte) (int, string) {
	if len(p) < 2 {
		return 0, ""
	}
	return int(binary.BigEndian.Uint16(p)), string(p[2:])
}

// ClosePayload builds a close frame payload.
func ClosePayload(code int, reason string) []byte {
	return append(binary.BigEndian.AppendUint16(nil, uint16(code)), reason...)
}

func opName(op byte) string {
	switch op {
	case OpCont:
		return "CONT"
	case OpText:
		return "TEXT"
	case OpBinary:
		return "BINARY"
	case OpClose:
		return "CLOSE"
	case OpPing:
		return "PING"
	case OpPong:
		return "PONG"
	}
	return fmt.Sprintf("OP%d", op)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// preview shows a short payload as text or hex, a long one by its size.
func preview(p []byte) string {
	const max = 32
	if len(p) == 0 {
		return "''"
	}
	q := p
	more := ""
	if len(q) > max {
		q, more = q[:max], fmt.Sprintf("...(+%d)", len(p)-max)
	}
	if utf8.Valid(q) && printable(q) {
		return fmt.Sprintf("%q%s", q, more)
	}
	return fmt.Sprintf("0x%x%s", q, more)
}

func printable(p []byte) bool {
	for _, c := range p {
		if c < 0x20 || c == 0x7F {
			return false
		}
	}
	return true
}
