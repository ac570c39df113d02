package conformance

import (
	"bytes"
	"fmt"
	"time"
)

// Category 9: large messages, many frames, many small writes, many round
// trips, and the message limit. Sizes are fractions of Config.MaxMessage
// (16 MiB in the full run: 64 KiB ... 16 MiB as in Autobahn's 9.x).
func init() {
	fracs := []int64{256, 64, 16, 4, 2, 1}
	for i, f := range fracs {
		for g, op := range []byte{OpText, OpBinary} {
			register(Case{ID: fmt.Sprintf("9.%d.%d", 1+g, i+1), Category: "limits",
				Title:  fmt.Sprintf("one %s message of max/%d bytes in one frame", opName(op), f),
				Expect: "the message echoed unchanged (the limit is inclusive)",
				Run: func(t *T) {
					p := filler(op, t.cfg.MaxMessage/f)
					t.note(fmt.Sprintf("%d bytes", len(p)))
					start := time.Now()
					t.Send(Frame{Fin: true, Op: op, Payload: p})
					if t.ExpectMessage(op, p) {
						t.note(fmt.Sprintf("round trip %v", time.Since(start).Round(time.Millisecond)))
						t.CloseNormally()
					}
				}})
		}
	}
	frags := []int64{64, 256, 1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20}
	for i, fs := range frags {
		for g, op := range []byte{OpText, OpBinary} {
			register(Case{ID: fmt.Sprintf("9.%d.%d", 3+g, i+1), Category: "limits",
				Title:  fmt.Sprintf("one %s message of max/4 bytes in fragments of %d bytes (at most the message)", opName(op), fs),
				Expect: "the message echoed whole",
				Run: func(t *T) {
					p := filler(op, t.cfg.MaxMessage/4)
					n := min(fs, int64(len(p)))
					var frames []Frame
					for j := int64(0); j < int64(len(p)); j += n {
						o := OpCont
						if j == 0 {
							o = op
						}
						frames = append(frames, Fragment(o, j+n >= int64(len(p)), p[j:min(j+n, int64(len(p)))]))
					}
					t.note(fmt.Sprintf("%d bytes in %d frames", len(p), len(frames)))
					t.c.sent = append(t.c.sent, fmt.Sprintf("%s message of %d bytes as %d frames of %d bytes", opName(op), len(p), len(frames), n))
					start := time.Now()
					t.sendQuiet(frames)
					if t.ExpectMessage(op, p) {
						t.note(fmt.Sprintf("round trip %v", time.Since(start).Round(time.Millisecond)))
						t.CloseNormally()
					}
				}})
		}
	}
	chunks := []int{64, 128, 256, 512, 1024, 2048}
	for i, ch := range chunks {
		for g, op := range []byte{OpText, OpBinary} {
			register(Case{ID: fmt.Sprintf("9.%d.%d", 5+g, i+1), Category: "limits",
				Title:  fmt.Sprintf("one %s frame of max/16 bytes written in chunks of %d bytes", opName(op), ch),
				Expect: "the message echoed unchanged",
				Run: func(t *T) {
					p := filler(op, t.cfg.MaxMessage/16)
					t.SendChunked(ch, 0, Frame{Fin: true, Op: op, Payload: p})
					if t.ExpectMessage(op, p) {
						t.CloseNormally()
					}
				}})
		}
	}
	sizes := []int{0, 16, 64, 256, 1024, 4096}
	for i, n := range sizes {
		var b string
		if n == 0 {
			b = EmptyMessageDelivered
		}
		for g, op := range []byte{OpText, OpBinary} {
			register(Case{ID: fmt.Sprintf("9.%d.%d", 7+g, i+1), Category: "limits", Behaviour: b,
				Title:  fmt.Sprintf("%s messages of %d bytes, one round trip at a time (Config.Repeat of them)", opName(op), n),
				Expect: "every message echoed, in order",
				Run: func(t *T) {
					p := filler(op, int64(n))
					start := time.Now()
					for k := 0; k < t.cfg.Repeat; k++ {
						t.c.Send(Frame{Fin: true, Op: op, Payload: p})
						if !t.ExpectMessage(op, p) {
							t.note(fmt.Sprintf("at message %d", k+1))
							return
						}
						t.c.sent = t.c.sent[:0] // keep the record short
						t.c.mu.Lock()
						t.c.observed = t.c.observed[:0]
						t.c.mu.Unlock()
					}
					t.c.sent = append(t.c.sent, fmt.Sprintf("%d x %s len=%d, each after the previous echo", t.cfg.Repeat, opName(op), n))
					t.note(fmt.Sprintf("%d round trips in %v", t.cfg.Repeat, time.Since(start).Round(time.Millisecond)))
					t.CloseNormally()
				}})
		}
	}
	register(
		Case{ID: "9.9.1", Category: "limits",
			Title:  "a binary frame whose header declares max+1 bytes: the header and 1 KiB written first, the rest only if the connection survives",
			Expect: "close 1009 (message too big) from the header alone (OK) or once the frame is read (NON-STRICT)",
			Run: func(t *T) {
				p := filler(OpBinary, t.cfg.MaxMessage+1)
				b := Frame{Fin: true, Op: OpBinary, Payload: p}.Encode(maskKey())
				head := len(b) - len(p) + 1024
				t.c.SendRaw(b[:head], fmt.Sprintf("BINARY fin=1 len=%d: header and the first 1024 payload bytes", len(p)))
				switch t.expectFailWithin(t.cfg.FailFast, 1009) {
				case failSeen, failWrong:
					return
				}
				t.c.SendRaw(b[head:], "the remaining payload bytes")
				switch t.expectFailWithin(t.wait(), 1009) {
				case failSeen:
					t.nonStrict("server refused the frame only after reading it whole")
				case failTimeout:
					t.fail("no close 1009 for a message over the limit")
				}
			}},
		Case{ID: "9.9.2", Category: "limits",
			Title:  "a binary message of max+1 bytes in four fragments",
			Expect: "close 1009 (message too big), the message never echoed",
			Run: func(t *T) {
				p := filler(OpBinary, t.cfg.MaxMessage+1)
				q := len(p) / 4
				t.c.sent = append(t.c.sent, fmt.Sprintf("BINARY message of %d bytes as 4 frames", len(p)))
				t.sendQuiet([]Frame{Fragment(OpBinary, false, p[:q]), Fragment(OpCont, false, p[q:2*q]),
					Fragment(OpCont, false, p[2*q:3*q]), Fragment(OpCont, true, p[3*q:])})
				t.ExpectFail(1009)
			}},
	)
}

// sendQuiet writes frames without a line each in the record (the caller
// describes them once).
func (t *T) sendQuiet(frames []Frame) {
	n := len(t.c.sent)
	t.c.Send(frames...)
	t.c.sent = t.c.sent[:n]
}

// filler is n bytes of payload: ASCII for text, every byte value for binary.
func filler(op byte, n int64) []byte {
	if op == OpText {
		return bytes.Repeat([]byte("*"), int(n))
	}
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(i)
	}
	return p
}
