package conformance

import (
	"bytes"
	"fmt"
)

// Category 7: the closing handshake (sections 5.5.1, 7.1 and 7.4).
func init() {
	hello := []byte("Hello World!")
	closeReply := "a close frame in reply (section 5.5.1) and TCP closed by the server; nothing answered after the client's close"
	register(
		Case{ID: "7.1.1", Category: "close", Title: "a text message, then a close 1000", Expect: "the echo, then " + closeReply,
			Run: func(t *T) {
				t.Send(Text(hello))
				if t.ExpectMessage(OpText, hello) {
					t.CloseNormally()
				}
			}},
		Case{ID: "7.1.2", Category: "close", Title: "two close frames in one write", Expect: closeReply,
			Run: func(t *T) {
				t.Send(Close(1000, ""))
				t.CloseWith(Close(1000, ""), 1000)
			}},
		Case{ID: "7.1.3", Category: "close", Title: "a close, then a ping", Expect: closeReply + " (no pong)",
			Run: func(t *T) {
				t.Send(Close(1000, ""))
				t.CloseWith(Ping(hello), 1000)
			}},
		Case{ID: "7.1.4", Category: "close", Title: "a close, then a text message", Expect: closeReply + " (no echo)",
			Run: func(t *T) {
				t.Send(Close(1000, ""))
				t.afterClose(Text(hello))
			}},
		Case{ID: "7.1.5", Category: "close", Title: "a text fragment, a close, the final fragment", Expect: closeReply + " (no echo)",
			Run: func(t *T) {
				t.Send(Fragment(OpText, false, []byte("fragment1")), Close(1000, ""))
				t.afterClose(Fragment(OpCont, true, []byte("fragment2")))
			}},
		Case{ID: "7.1.6", Category: "close", Title: "ten large text messages, a close and a ping in one write",
			Expect: "informational: how many echoes the server sends before its close reply; then TCP closed",
			Run: func(t *T) {
				p := bytes.Repeat([]byte("BAsd7&jh23"), int(t.cfg.MaxMessage/160))
				var fs []Frame
				for range 10 {
					fs = append(fs, Text(p))
				}
				fs = append(fs, Close(1000, ""), Ping(hello))
				t.Send(fs...)
				echoes := 0
				for {
					f, err := t.c.Next(t.wait())
					if err != nil {
						t.fail("no close reply: " + waitErr(err))
						return
					}
					if f.Op == OpClose {
						break
					}
					if f.Op == OpPong {
						t.fail("ping after the close was answered")
						return
					}
					if f.Fin {
						echoes++
					}
				}
				t.info(fmt.Sprintf("%d of 10 messages of %d bytes echoed before the close reply", echoes, len(p)))
				if _, err := t.c.Next(t.wait()); err != ErrClosed {
					t.fail("TCP not closed after the closing handshake")
				}
			}},
		Case{ID: "7.3.1", Category: "close", Title: "a close frame with no payload", Expect: "a close with no payload or 1000 in reply, then TCP closed",
			Run: func(t *T) { t.CloseWith(Frame{Fin: true, Op: OpClose}) }},
		Case{ID: "7.3.2", Category: "close", Title: "a close frame with a 1-byte payload", Expect: "the server fails the connection (close 1002): a close payload is empty or at least 2 bytes (section 5.5.1)",
			Run: func(t *T) {
				t.Send(Frame{Fin: true, Op: OpClose, Payload: []byte{0x03}})
				t.ExpectFail(1002)
			}},
		Case{ID: "7.3.3", Category: "close", Title: "close 1000 without reason", Expect: "close 1000 in reply",
			Run: func(t *T) { t.CloseWith(Close(1000, ""), 1000) }},
		Case{ID: "7.3.4", Category: "close", Title: "close 1000 with reason \"Hello World!\"", Expect: "close 1000 in reply",
			Run: func(t *T) { t.CloseWith(Close(1000, "Hello World!"), 1000) }},
		Case{ID: "7.3.5", Category: "close", Title: "close 1000 with a 123-byte reason (a 125-byte payload)", Expect: "close 1000 in reply",
			Run: func(t *T) { t.CloseWith(Close(1000, string(bytes.Repeat([]byte("*"), 123))), 1000) }},
		Case{ID: "7.3.6", Category: "close", Title: "close 1000 with a 124-byte reason (a 126-byte control frame)", Expect: "the server fails the connection (close 1002): control frames carry at most 125 bytes",
			Run: func(t *T) {
				t.Send(Close(1000, string(bytes.Repeat([]byte("*"), 124))))
				t.ExpectFail(1002)
			}},
		Case{ID: "7.5.1", Category: "close", Title: "close 1000 whose reason is not UTF-8", Expect: "the server fails the connection (close 1007, or 1002): the reason must be UTF-8 (section 5.5.1)",
			Run: func(t *T) {
				t.Send(Frame{Fin: true, Op: OpClose, Payload: append(ClosePayload(1000, ""), 0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5, 0xED, 0xA0, 0x80, 0x65, 0x64, 0x69, 0x74, 0x65, 0x64)})
				t.ExpectFail(1007, 1002)
			}},
	)
	for i, code := range []int{1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999} {
		register(Case{ID: fmt.Sprintf("7.7.%d", i+1), Category: "close",
			Title:  fmt.Sprintf("close with the valid code %d", code),
			Expect: fmt.Sprintf("a close reply carrying %d (or 1000), then TCP closed", code),
			Run:    func(t *T) { t.CloseWith(Close(code, ""), code, 1000) }})
	}
	for i, code := range []int{0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999} {
		register(Case{ID: fmt.Sprintf("7.9.%d", i+1), Category: "close",
			Title:  fmt.Sprintf("close with the invalid code %d", code),
			Expect: fmt.Sprintf("the server fails the connection (close 1002): %d may not be sent in a close frame (section 7.4)", code),
			Run: func(t *T) {
				t.Send(Close(code, ""))
				t.ExpectFail(1002)
			}})
	}
	for i, code := range []int{5000, 65535} {
		register(Case{ID: fmt.Sprintf("7.13.%d", i+1), Category: "close",
			Title:  fmt.Sprintf("close with code %d, outside every range the RFC defines", code),
			Expect: "informational: what the server answers",
			Run: func(t *T) {
				t.Send(Close(code, ""))
				f, err := t.c.Next(t.wait())
				switch {
				case err != nil:
					t.info("no close frame: " + waitErr(err))
				case f.Op == OpClose:
					c, _ := closePayload(f.Payload)
					t.info(fmt.Sprintf("close %d in reply", c))
				default:
					t.info("answered " + f.String())
				}
			}})
	}
}

// afterClose sends f after the client's close and expects only the
// server's close reply and TCP closed.
func (t *T) afterClose(f Frame) {
	t.CloseWith(f, 1000)
}
