package sockjsproto

import "strings"

// Session URLs /<server>/<session>/<transport> and the core protocol,
// shown over xhr-polling.
func init() {
	register(
		Case{ID: "session.1", Category: "session", Title: "POST xhr on /a/a, /_/_, /1/1, /abcdefgh_i-j%20/abcdefg_i-j%20",
			Expect: "200 \"o\\n\": any server and session value is accepted",
			Run: func(t *T) {
				for _, p := range []string{"/a/a", "/_/_", "/1/1", "/abcdefgh_i-j%20/abcdefg_i-j%20"} {
					r := t.Post(t.URL(echo, p+"/xhr"), "")
					t.Eq("status of "+p, r.Status, 200)
					t.Eq("body of "+p, r.Body, "o\n")
				}
			}},
		Case{ID: "session.2", Category: "session", Title: "GET and POST xhr on //, /a./a, /a/a., /./., /, ///",
			Expect: "404: empty parts, dots and wrong part counts are refused",
			Run: func(t *T) {
				for _, p := range []string{"//", "/a./a", "/a/a.", "/./.", "/", "///"} {
					t.Eq("status of GET "+p+"/xhr", t.Get(t.URL(echo, p+"/xhr")).Status, 404)
					t.Eq("status of POST "+p+"/xhr", t.Post(t.URL(echo, p+"/xhr"), "").Status, 404)
				}
			}},
		Case{ID: "session.3", Category: "session", Title: "open on /000/S, send on /000/S, poll on /999/S",
			Expect: "the server id is ignored: the poll gets a[\"a\"]",
			Run: func(t *T) {
				id := t.Session(echo)[len(t.URL(echo, "/000")):]
				t.Eq("open", t.Post(t.URL(echo, "/000"+id+"/xhr"), "").Body, "o\n")
				r := t.Post(t.URL(echo, "/000"+id+"/xhr_send"), `["a"]`)
				t.Eq("send status", r.Status, 204)
				t.Eq("send body", r.Body, "")
				t.Eq("poll", t.Post(t.URL(echo, "/999"+id+"/xhr"), "").Body, "a[\"a\"]\n")
			}},
		Case{ID: "session.4", Category: "session", Title: "open, send [\"a\"], poll; send to an unknown session; two polls at once",
			Expect: "o, 204, a[\"a\"]; 404 for the unknown session; the second poll gets c[2010,\"Another connection still open\"]",
			Run: func(t *T) {
				u := t.Session(echo)
				r := t.Post(u+"/xhr", "")
				t.Eq("open status", r.Status, 200)
				t.Eq("open", r.Body, "o\n")
				r = t.Post(u+"/xhr_send", `["a"]`)
				t.Eq("send status", r.Status, 204)
				t.Eq("send body", r.Body, "")
				t.Eq("poll", t.Post(u+"/xhr", "").Body, "a[\"a\"]\n")
				t.Eq("send to unknown session", t.Post(t.URL(echo, "/000/bad_session/xhr_send"), `["a"]`).Status, 404)
				// Two polls at once: whichever the server attaches second
				// is answered at once with 2010; the other stays open.
				first, _ := t.FirstOf(t.Async("POST", u+"/xhr", ""), t.Async("POST", u+"/xhr", ""))
				t.Eq("status of the poll answered first", first.resp.Status, 200)
				t.Eq("poll answered first", first.resp.Body, "c[2010,\"Another connection still open\"]\n")
			}},
		Case{ID: "session.6", Category: "session", Title: "up to 2000 rounds of xhr_send and poll on one session, each request sent as soon as the previous answer is read",
			Expect: "every poll gets its message: a finished poll's receiver is detached before its response completes, so the next poll is never c[2010,...]",
			Run: func(t *T) {
				t.strictPolls = true
				u := t.Session(echo)
				t.Eq("open", t.Post(u+"/xhr", "").Body, "o\n")
				for i := range 2000 {
					t.sent, t.observed = t.sent[:0], t.observed[:0]
					t.Eq("send status", t.Post(u+"/xhr_send", `["a"]`).Status, 204)
					r := t.Post(u+"/xhr", "")
					if strings.Contains(r.Body, "c[2010,") {
						t.Fatalf("poll %d of 2000 answered %s: the server still held the previous poll's receiver", i+1, clip(r.Body))
					}
					t.Eq("poll", r.Body, "a[\"a\"]\n")
				}
			}},
		Case{ID: "session.5", Category: "session", Title: "open a session on /close, poll twice",
			Expect: "o, then c[3000,\"Go away!\"] on every poll until the session times out",
			Run: func(t *T) {
				u := t.Session(goAway)
				t.Eq("open", t.Post(u+"/xhr", "").Body, "o\n")
				t.Eq("first poll", t.Post(u+"/xhr", "").Body, "c[3000,\"Go away!\"]\n")
				t.Eq("second poll", t.Post(u+"/xhr", "").Body, "c[3000,\"Go away!\"]\n")
			}},
	)
}
