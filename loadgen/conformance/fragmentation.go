package conformance

import (
	"fmt"
	"time"
)

// Category 5: fragmented messages (section 5.4).
func init() {
	const mustFail = "the server fails the connection (close 1002)"
	frag1, frag2 := []byte("fragment1"), []byte("fragment2")
	whole := []byte("fragment1fragment2")
	fail := func(id, title string, fs ...Frame) Case {
		return Case{ID: id, Category: "fragmentation", Title: title, Expect: mustFail,
			Run: func(t *T) {
				t.Send(fs...)
				t.ExpectFail(1002)
			}}
	}
	// ways of writing the same frames: at once, one frame per write, or
	// one byte per write with a pause.
	type mode struct {
		name string
		send func(t *T, fs ...Frame)
	}
	modes := []mode{
		{"in one write", func(t *T, fs ...Frame) { t.Send(fs...) }},
		{"one frame per write", func(t *T, fs ...Frame) {
			for _, f := range fs {
				t.Send(f)
			}
		}},
		{"one byte per write, 1 ms apart", func(t *T, fs ...Frame) { t.SendChunked(1, time.Millisecond, fs...) }},
	}
	register(
		fail("5.1", "a ping in two fragments", Frame{Op: OpPing, Payload: frag1}, Frame{Fin: true, Op: OpCont, Payload: frag2}),
		fail("5.2", "a pong in two fragments", Frame{Op: OpPong, Payload: frag1}, Frame{Fin: true, Op: OpCont, Payload: frag2}),
	)
	for i, m := range modes {
		register(Case{ID: fmt.Sprint("5.", 3+i), Category: "fragmentation",
			Title:  "a text message in two fragments, " + m.name,
			Expect: "the message echoed whole (section 5.4)",
			Run: func(t *T) {
				m.send(t, Fragment(OpText, false, frag1), Fragment(OpCont, true, frag2))
				if t.ExpectMessage(OpText, whole) {
					t.CloseNormally()
				}
			}})
		register(Case{ID: fmt.Sprint("5.", 6+i), Category: "fragmentation",
			Title:  "a text message in two fragments with a ping between them, " + m.name,
			Expect: "the pong and the message echoed whole: control frames may come between fragments (section 5.4)",
			Run: func(t *T) {
				m.send(t, Fragment(OpText, false, frag1), Ping([]byte("ping payload")), Fragment(OpCont, true, frag2))
				if t.ExpectMessageAndPongs(OpText, whole, []byte("ping payload")) {
					t.CloseNormally()
				}
			}})
		register(Case{ID: fmt.Sprint("5.", 9+i), Category: "fragmentation",
			Title:  "a final continuation frame with no message started, then a text message, " + m.name,
			Expect: mustFail + " at the continuation; the text is not echoed",
			Run: func(t *T) {
				m.send(t, Fragment(OpCont, true, []byte("non-continuation payload")), Text([]byte("Hello, world!")))
				t.ExpectFail(1002)
			}})
		register(Case{ID: fmt.Sprint("5.", 12+i), Category: "fragmentation",
			Title:  "a non-final continuation frame with no message started, then a text message, " + m.name,
			Expect: mustFail + " at the continuation; the text is not echoed",
			Run: func(t *T) {
				m.send(t, Fragment(OpCont, false, []byte("non-continuation payload")), Text([]byte("Hello, world!")))
				t.ExpectFail(1002)
			}})
	}
	register(
		Case{ID: "5.15", Category: "fragmentation", Behaviour: CloseFrameOnViolation,
			Title:  "a text message in two fragments, then a continuation, then a new text fragment",
			Expect: "the first message echoed, then " + mustFail,
			Run: func(t *T) {
				t.Send(Fragment(OpText, false, frag1), Fragment(OpCont, true, frag2),
					Fragment(OpCont, false, []byte("fragment3")), Fragment(OpText, true, []byte("fragment4")))
				if t.ExpectMessage(OpText, whole) {
					t.ExpectFail(1002)
				}
			}},
		fail("5.16", "a non-final continuation, a text fragment, a final continuation (twice)",
			Fragment(OpCont, false, frag1), Fragment(OpText, false, frag2), Fragment(OpCont, true, []byte("fragment3")),
			Fragment(OpCont, false, frag1), Fragment(OpText, false, frag2), Fragment(OpCont, true, []byte("fragment3"))),
		fail("5.17", "a final continuation, a text fragment, a final continuation (twice)",
			Fragment(OpCont, true, frag1), Fragment(OpText, false, frag2), Fragment(OpCont, true, []byte("fragment3")),
			Fragment(OpCont, true, frag1), Fragment(OpText, false, frag2), Fragment(OpCont, true, []byte("fragment3"))),
		fail("5.18", "a text fragment followed by a new final text frame (not a continuation)",
			Fragment(OpText, false, frag1), Fragment(OpText, true, frag2)),
	)
	five := func(id string, pause time.Duration) Case {
		title := "a text message in five fragments with pings after the first and fourth"
		if pause > 0 {
			title += fmt.Sprintf(", one frame per write %v apart", pause)
		} else {
			title += ", in one write"
		}
		return Case{ID: id, Category: "fragmentation", Title: title,
			Expect: "both pongs, in order, and the whole message (section 5.4)",
			Run: func(t *T) {
				fs := []Frame{
					Fragment(OpText, false, []byte("fragment1")), Ping([]byte("pongme 1!")),
					Fragment(OpCont, false, []byte("fragment2")), Fragment(OpCont, false, []byte("fragment3")),
					Fragment(OpCont, false, []byte("fragment4")), Ping([]byte("pongme 2!")),
					Fragment(OpCont, true, []byte("fragment5")),
				}
				if pause == 0 {
					t.Send(fs...)
				} else {
					for i, f := range fs {
						if i > 0 {
							time.Sleep(pause)
						}
						t.Send(f)
					}
				}
				if t.ExpectMessageAndPongs(OpText, []byte("fragment1fragment2fragment3fragment4fragment5"), []byte("pongme 1!"), []byte("pongme 2!")) {
					t.CloseNormally()
				}
			}}
	}
	register(five("5.19", 50*time.Millisecond), five("5.20", 0))
}
