package sockjsproto

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Session closing: close frames, a second receiver, aborted receivers.
func init() {
	const another = "c[2010,\"Another connection still open\"]\n"
	register(
		Case{ID: "close.1", Category: "close", Title: "xhr_streaming on /close, then a second stream on the same session",
			Expect: "o, c[3000,\"Go away!\"], the stream ends; the second stream gets the same close frame and ends",
			Run: func(t *T) {
				u := t.Session(goAway)
				s1 := t.Open(http.MethodPost, u+"/xhr_streaming", nil)
				s1.Until("\n")
				t.Eq("open", s1.Until("\n"), "o\n")
				t.Eq("close frame", s1.Until("\n"), "c[3000,\"Go away!\"]\n")
				// As in Do: a 2010 here means the server has not yet
				// detached the first stream's finished receiver.
				var s2 *Stream
				for i := 0; ; i++ {
					s2 = t.Open(http.MethodPost, u+"/xhr_streaming", nil)
					s2.Until("\n")
					got := s2.Until("\n")
					if got != another || i == 50 {
						t.Eq("second stream", got, "c[3000,\"Go away!\"]\n")
						break
					}
					s2.Close()
					t.racedPolls++
					time.Sleep(5 * time.Millisecond)
				}
				t.True(s1.Ended(), "first stream still open after the close frame")
				t.True(s2.Ended(), "second stream still open after the close frame")
			}},
		Case{ID: "close.2", Category: "close", Title: "two xhr_streaming receivers on one session",
			Expect: "the second gets c[2010,\"Another connection still open\"] and ends",
			Run: func(t *T) {
				u := t.Session(echo)
				s1 := t.Open(http.MethodPost, u+"/xhr_streaming", nil)
				s1.Until("\n")
				t.Eq("open", s1.Until("\n"), "o\n")
				s2 := t.Open(http.MethodPost, u+"/xhr_streaming", nil)
				s2.Until("\n")
				t.Eq("second stream", s2.Until("\n"), another)
				t.True(s2.Ended(), "second stream still open after its close frame")
			}},
		Case{ID: "close.3", Category: "close", Title: "abort an xhr_streaming receiver, then open a new one",
			Expect: "the new receiver gets o (a new session) or c[1002,\"Connection interrupted\"]",
			Run: func(t *T) {
				u := t.Session(echo)
				s1 := t.Open(http.MethodPost, u+"/xhr_streaming", nil)
				s1.Until("\n")
				t.Eq("open", s1.Until("\n"), "o\n")
				s2 := t.Open(http.MethodPost, u+"/xhr_streaming", nil)
				s2.Until("\n")
				t.Eq("second stream", s2.Until("\n"), another)
				s1.Close()
				t.afterAbort(func() string {
					s := t.Open(http.MethodPost, u+"/xhr_streaming", nil)
					defer s.Close()
					s.Until("\n")
					return s.Until("\n")
				})
			}},
		Case{ID: "close.4", Category: "close", Title: "abort an xhr poll, then poll again",
			Expect: "the new poll gets o (a new session) or c[1002,\"Connection interrupted\"]",
			Run: func(t *T) {
				u := t.Session(echo)
				t.Eq("open", t.Post(u+"/xhr", "").Body, "o\n")
				first, other := t.FirstOf(t.Async("POST", u+"/xhr", ""), t.Async("POST", u+"/xhr", ""))
				t.Eq("poll answered first", first.resp.Body, another)
				other.Abort()
				t.afterAbort(func() string { return t.Post(u+"/xhr", "").Body })
			}},
	)
}

// afterAbort asks for the session again after a receiver was aborted. The
// server notices the abort asynchronously: until then it answers 2010 (Do
// and poll retry that), and a receiver that arrives while the server is
// tearing the interrupted session down may get no answer at all. Each try
// therefore waits at most hangWait; a try that hangs is noted and repeated
// (there is no signal to wait on), within the case's deadline.
func (t *T) afterAbort(poll func() string) {
	const hangWait = time.Second
	hung := 0
	for {
		var g string
		if failure := t.try(hangWait, func() { g = poll() }); failure != "" {
			hung++
			t.True(time.Until(t.deadline) > 2*hangWait, "the server never answered a new receiver after the abort (last try: %s)", failure)
			continue
		}
		if hung > 0 {
			t.note(fmt.Sprintf("%d receiver(s) opened during the abort got no answer within %v", hung, hangWait))
		}
		if g == "o\n" || g == "c[1002,\"Connection interrupted\"]\n" {
			t.note("after the abort: " + strings.TrimSpace(g))
			return
		}
		t.True(g == "c[2010,\"Another connection still open\"]\n", "after the abort: %s, want o or c[1002,...]", clip(g))
		t.True(time.Until(t.deadline) > time.Second, "the server still reports the aborted receiver as open")
		time.Sleep(20 * time.Millisecond)
	}
}
