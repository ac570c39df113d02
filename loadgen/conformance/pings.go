package conformance

import (
	"bytes"
	"fmt"
	"time"
)

// Category 2: pings and pongs (section 5.5.2 and 5.5.3).
func init() {
	pingPong := func(id, title string, p []byte, chunked bool) Case {
		return Case{
			ID: id, Category: "pings", Title: title,
			Expect: "a pong with the ping's payload (section 5.5.3), then a clean close",
			Run: func(t *T) {
				if chunked {
					t.SendChunked(1, time.Millisecond, Ping(p))
				} else {
					t.Send(Ping(p))
				}
				if t.ExpectPong(p) {
					t.CloseNormally()
				}
			},
		}
	}
	register(
		pingPong("2.1", "a ping without payload", nil, false),
		pingPong("2.2", "a ping with a 13-byte text payload", []byte("Hello, world!"), false),
		pingPong("2.3", "a ping with a binary payload", []byte{0x00, 0xFF, 0xFE, 0xFD, 0xFC, 0xFB, 0x00, 0xFF}, false),
		pingPong("2.4", "a ping with a 125-byte payload (the largest allowed)", bytes.Repeat([]byte{0xFE}, 125), false),
		Case{
			ID: "2.5", Category: "pings", Title: "a ping with a 126-byte payload",
			Expect: "the server fails the connection: control frames carry at most 125 bytes (section 5.5), close 1002",
			Run: func(t *T) {
				t.Send(Ping(bytes.Repeat([]byte{0xFE}, 126)))
				t.ExpectFail(1002)
			},
		},
		pingPong("2.6", "a ping with a 125-byte payload, written one byte at a time, 1 ms apart", bytes.Repeat([]byte{0xFE}, 125), true),
		unsolicitedPong("2.7", "an unsolicited pong without payload", nil),
		unsolicitedPong("2.8", "an unsolicited pong with payload", []byte("unsolicited pong payload")),
		Case{
			ID: "2.9", Category: "pings", Title: "an unsolicited pong, then a ping",
			Expect: "no answer to the pong (section 5.5.3), a pong for the ping",
			Run: func(t *T) {
				t.Send(Pong([]byte("unsolicited pong payload")), Ping([]byte("ping payload")))
				if t.ExpectPong([]byte("ping payload")) {
					t.CloseNormally()
				}
			},
		},
		tenPings("2.10", false),
		tenPings("2.11", true),
	)
}

func unsolicitedPong(id, title string, p []byte) Case {
	return Case{
		ID: id, Category: "pings", Title: title + ", then a close",
		Expect: "no answer to the pong (section 5.5.3): the next frame from the server is its close reply",
		Run: func(t *T) {
			t.Send(Pong(p))
			t.CloseNormally()
		},
	}
}

// tenPings sends ten pings at once; the server may answer only the latest
// of pings it has not answered yet (section 5.5.2), in order.
func tenPings(id string, chunked bool) Case {
	title := "ten pings with payloads ping-0 ... ping-9 in one write"
	if chunked {
		title = "ten pings with payloads ping-0 ... ping-9, written one byte at a time"
	}
	return Case{
		ID: id, Category: "pings", Title: title,
		Expect: "pongs in order, the last one for ping-9; skipping pongs of pings not yet answered is allowed (section 5.5.2)",
		Run: func(t *T) {
			var fs []Frame
			for i := range 10 {
				fs = append(fs, Ping([]byte(fmt.Sprintf("ping-%d", i))))
			}
			if chunked {
				t.SendChunked(1, 0, fs...)
			} else {
				t.Send(fs...)
			}
			next, got := 0, 0
			for next < 10 {
				f, err := t.c.Next(t.wait())
				if err != nil {
					t.fail(fmt.Sprintf("after %d pongs: %s", got, waitErr(err)))
					return
				}
				if f.Op != OpPong {
					t.fail("expected a pong, got " + f.String())
					return
				}
				var i int
				if _, err := fmt.Sscanf(string(f.Payload), "ping-%d", &i); err != nil || i < next || i > 9 {
					t.fail(fmt.Sprintf("pong %s out of order (next expected ping-%d or later)", preview(f.Payload), next))
					return
				}
				next, got = i+1, got+1
			}
			if got < 10 {
				t.note(fmt.Sprintf("%d pongs for 10 pings (allowed)", got))
			}
			t.CloseNormally()
		},
	}
}
