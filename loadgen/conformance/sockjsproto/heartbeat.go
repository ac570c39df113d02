package sockjsproto

import (
	"fmt"
	"net/http"
	"time"
)

// Heartbeats, on the protocol test server (its heartbeat delay is short).
func init() {
	register(
		Case{ID: "heartbeat.1", Category: "heartbeat", TestServer: true, Title: "an idle xhr_streaming session",
			Expect: "an h frame every heartbeat delay (the suite's test server: Target.Heartbeat)",
			Run: func(t *T) {
				s := t.Open(http.MethodPost, t.Session(echo)+"/xhr_streaming", nil)
				s.Until("\n")
				t.Eq("open", s.Until("\n"), "o\n")
				start := time.Now()
				t.Eq("first idle frame", s.Until("\n"), "h\n")
				t.Eq("second idle frame", s.Until("\n"), "h\n")
				t.note(fmt.Sprintf("two heartbeats in %v (delay %v)", time.Since(start).Round(time.Millisecond), t.heartbeat))
			}},
		Case{ID: "heartbeat.2", Category: "heartbeat", TestServer: true, Title: "an idle websocket session",
			Expect: "an h frame every heartbeat delay",
			Run: func(t *T) {
				c := t.WS(t.Session(echo)+"/websocket", nil)
				t.Eq("first frame", t.Recv(c), "o")
				t.Eq("first idle frame", t.Recv(c), "h")
				t.Eq("second idle frame", t.Recv(c), "h")
			}},
		Case{ID: "heartbeat.3", Category: "heartbeat", TestServer: true, Title: "an idle xhr poll",
			Expect: "the poll is answered with h\\n after the heartbeat delay",
			Run: func(t *T) {
				u := t.Session(echo)
				t.Eq("open", t.Post(u+"/xhr", "").Body, "o\n")
				t.Eq("idle poll", t.Post(u+"/xhr", "").Body, "h\n")
			}},
	)
}
