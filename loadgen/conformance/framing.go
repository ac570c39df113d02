package conformance

import (
	"bytes"
	"fmt"
)

// Category 1: frames of every length encoding (7-bit, 16-bit, 64-bit) and
// the boundaries between them, text and binary.
func init() {
	sizes := []int{0, 125, 126, 127, 128, 65535, 65536}
	for i, n := range sizes {
		register(echoOnce("1.1."+fmt.Sprint(i+1), "framing", OpText, bytes.Repeat([]byte("*"), n)))
		register(echoOnce("1.2."+fmt.Sprint(i+1), "framing", OpBinary, bytes.Repeat([]byte{0xFE}, n)))
	}
	for _, op := range []byte{OpText, OpBinary} {
		id := "1.1.8"
		p := bytes.Repeat([]byte("*"), 65536)
		if op == OpBinary {
			id, p = "1.2.8", bytes.Repeat([]byte{0xFE}, 65536)
		}
		register(Case{
			ID: id, Category: "framing",
			Title:  fmt.Sprintf("one %s frame of 65536 bytes, written in chunks of 997 bytes", opName(op)),
			Expect: "the message echoed unchanged; how TCP delivers the bytes does not matter (section 5.2)",
			Run: func(t *T) {
				t.SendChunked(997, 0, Frame{Fin: true, Op: op, Payload: p})
				if t.ExpectMessage(op, p) {
					t.CloseNormally()
				}
			},
		})
	}
	register(Case{
		ID: "1.3.1", Category: "framing",
		Title:     "an unmasked text frame from the client",
		Expect:    "the server fails the connection: client frames must be masked (section 5.1), close 1002",
		Behaviour: UnmaskedFrameRejected,
		Run: func(t *T) {
			t.Send(Frame{Fin: true, Op: OpText, Payload: []byte("Hello"), Unmasked: true})
			t.ExpectFail(1002)
		},
	})
}

// echoOnce sends one message in one frame and expects it echoed.
func echoOnce(id, cat string, op byte, p []byte) Case {
	var b string
	if len(p) == 0 {
		b = EmptyMessageDelivered
	}
	return Case{
		Behaviour: b,
		ID:        id, Category: cat,
		Title:  fmt.Sprintf("one %s frame of %d bytes", opName(op), len(p)),
		Expect: "the message echoed unchanged with its opcode, then a clean closing handshake",
		Run: func(t *T) {
			t.Send(Frame{Fin: true, Op: op, Payload: p})
			if t.ExpectMessage(op, p) {
				t.CloseNormally()
			}
		},
	}
}
