package conformance

import (
	"fmt"
	"time"
)

// Category 3: reserved bits set with no extension negotiated (section 5.2:
// the receiving endpoint MUST fail the connection).
func init() {
	const expect = "the server fails the connection (close 1002); frames before the bad one are echoed, nothing after it is answered"
	hello := []byte("Hello, world!")
	register(
		Case{ID: "3.1", Category: "reserved-bits", Title: "a text frame with RSV = 1", Expect: expect,
			Run: func(t *T) {
				t.Send(Frame{Fin: true, Rsv: 1, Op: OpText, Payload: hello})
				t.ExpectFail(1002)
			}},
		Case{ID: "3.2", Category: "reserved-bits", Behaviour: CloseFrameOnViolation, Title: "a valid text frame, a text frame with RSV = 2, a ping (three writes)", Expect: expect,
			Run: func(t *T) {
				t.Send(Text(hello))
				t.Send(Frame{Fin: true, Rsv: 2, Op: OpText, Payload: hello})
				t.Send(Ping(hello))
				if t.ExpectMessage(OpText, hello) {
					t.ExpectFail(1002)
				}
			}},
		Case{ID: "3.3", Category: "reserved-bits", Behaviour: CloseFrameOnViolation, Title: "a valid text frame, a text frame with RSV = 3, a ping (one write)", Expect: expect,
			Run: func(t *T) {
				t.Send(Text(hello), Frame{Fin: true, Rsv: 3, Op: OpText, Payload: hello}, Ping(hello))
				if t.ExpectMessage(OpText, hello) {
					t.ExpectFail(1002)
				}
			}},
		Case{ID: "3.4", Category: "reserved-bits", Behaviour: CloseFrameOnViolation, Title: "a valid text frame, a text frame with RSV = 4, a ping, written one byte at a time 1 ms apart", Expect: expect,
			Run: func(t *T) {
				t.SendChunked(1, time.Millisecond, Text(hello), Frame{Fin: true, Rsv: 4, Op: OpText, Payload: hello}, Ping(hello))
				if t.ExpectMessage(OpText, hello) {
					t.ExpectFail(1002)
				}
			}},
		Case{ID: "3.5", Category: "reserved-bits", Title: "a binary frame with RSV = 5", Expect: expect,
			Run: func(t *T) {
				t.Send(Frame{Fin: true, Rsv: 5, Op: OpBinary, Payload: []byte{0xFF, 0x00}})
				t.ExpectFail(1002)
			}},
		Case{ID: "3.6", Category: "reserved-bits", Title: "a ping with RSV = 6", Expect: expect + " (no pong)",
			Run: func(t *T) {
				t.Send(Frame{Fin: true, Rsv: 6, Op: OpPing, Payload: hello})
				t.ExpectFail(1002)
			}},
		Case{ID: "3.7", Category: "reserved-bits", Title: "a close frame (1000) with RSV = 7", Expect: expect + " (a close 1000 reply is wrong)",
			Run: func(t *T) {
				t.Send(Frame{Fin: true, Rsv: 7, Op: OpClose, Payload: ClosePayload(1000, "")})
				t.ExpectFail(1002)
			}},
	)
}

// Category 4: reserved opcodes (section 5.2: MUST fail the connection).
func init() {
	hello := []byte("Hello, world!")
	for i, op := range []byte{3, 4, 5, 6, 7, 11, 12, 13, 14, 15} {
		kind, group, n := "non-control", 1, i+1
		if op >= 8 {
			kind, group, n = "control", 2, i-4
		}
		id := fmt.Sprintf("4.%d.%d", group, n)
		expect := fmt.Sprintf("the server fails the connection at the reserved %s opcode %d (close 1002)", kind, op)
		switch n {
		case 1:
			register(Case{ID: id, Category: "opcodes", Title: fmt.Sprintf("a frame with reserved opcode %d, no payload", op), Expect: expect,
				Run: func(t *T) {
					t.Send(Frame{Fin: true, Op: op})
					t.ExpectFail(1002)
				}})
		case 2:
			register(Case{ID: id, Category: "opcodes", Title: fmt.Sprintf("a frame with reserved opcode %d and a payload", op), Expect: expect,
				Run: func(t *T) {
					t.Send(Frame{Fin: true, Op: op, Payload: []byte("reserved opcode payload")})
					t.ExpectFail(1002)
				}})
		default:
			withPayload := n%2 == 0
			title := fmt.Sprintf("a valid text frame, a frame with reserved opcode %d, a ping (one write)", op)
			p := []byte(nil)
			if withPayload {
				p = []byte("reserved opcode payload")
				title = fmt.Sprintf("a valid text frame, a frame with reserved opcode %d and a payload, a ping (one write)", op)
			}
			register(Case{ID: id, Category: "opcodes", Title: title, Expect: expect + "; the text before it is echoed, the ping is not answered",
				Behaviour: CloseFrameOnViolation,
				Run: func(t *T) {
					t.Send(Text(hello), Frame{Fin: true, Op: op, Payload: p}, Ping(hello))
					if t.ExpectMessage(OpText, hello) {
						t.ExpectFail(1002)
					}
				}})
		}
	}
}
