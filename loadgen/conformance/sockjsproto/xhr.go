package sockjsproto

import (
	"net/http"
	"strings"
)

// xhr-polling (/xhr, /xhr_send) and xhr-streaming (/xhr_streaming).
func init() {
	register(
		Case{ID: "xhr-polling.1", Category: "xhr-polling", Title: "OPTIONS /xhr and /xhr_send", Expect: "204, cacheable, Allow-Methods \"OPTIONS, POST\", CORS",
			Run: func(t *T) {
				t.Options(t.URL(echo, "/abc/abc/xhr"), "OPTIONS, POST")
				t.Options(t.URL(echo, "/abc/abc/xhr_send"), "OPTIONS, POST")
			}},
		Case{ID: "xhr-polling.2", Category: "xhr-polling", Title: "open, send [\"x\"], poll",
			Expect: "o\\n as application/javascript;charset=UTF-8 (CORS, not cached); send 204 text/plain;charset=UTF-8 with no body; a[\"x\"]\\n",
			Run: func(t *T) {
				u := t.Session(echo)
				r := t.Post(u+"/xhr", "")
				t.Eq("status", r.Status, 200)
				t.Eq("open", r.Body, "o\n")
				t.ContentType(r.Header, "application/javascript;charset=UTF-8")
				t.CORS(r.Header, "")
				t.NotCached(r.Header)
				r = t.Post(u+"/xhr_send", `["x"]`)
				t.Eq("send status", r.Status, 204)
				t.Eq("send body", r.Body, "")
				t.ContentType(r.Header, "text/plain;charset=UTF-8")
				t.CORS(r.Header, "")
				t.NotCached(r.Header)
				t.Eq("poll", t.Post(u+"/xhr", "").Body, "a[\"x\"]\n")
			}},
		Case{ID: "xhr-polling.3", Category: "xhr-polling", Title: "xhr_send to a session never opened", Expect: "404",
			Run: func(t *T) { t.Eq("status", t.Post(t.Session(echo)+"/xhr_send", `["x"]`).Status, 404) }},
		Case{ID: "xhr-polling.4", Category: "xhr-polling", Title: "xhr_send with broken JSON, then an empty body, then [\"a\"]",
			Expect: "500 \"Broken JSON encoding.\", 500 \"Payload expected.\", then 204 and a[\"a\"]",
			Run: func(t *T) {
				u := t.Session(echo)
				t.Eq("open", t.Post(u+"/xhr", "").Body, "o\n")
				r := t.Post(u+"/xhr_send", `["x`)
				t.Eq("status for broken JSON", r.Status, 500)
				t.True(strings.Contains(r.Body, "Broken JSON encoding."), "body %s", clip(r.Body))
				r = t.Post(u+"/xhr_send", "")
				t.Eq("status for an empty body", r.Status, 500)
				t.True(strings.Contains(r.Body, "Payload expected."), "body %s", clip(r.Body))
				r = t.Post(u+"/xhr_send", `["a"]`)
				t.Eq("status", r.Status, 204)
				t.Eq("poll", t.Post(u+"/xhr", "").Body, "a[\"a\"]\n")
			}},
		Case{ID: "xhr-polling.5", Category: "xhr-polling", Title: "xhr_send with eight Content-Types (text/plain, T, application/json, ..., none)",
			Expect: "204 for each, then all eight messages in one poll",
			Run: func(t *T) {
				u := t.Session(echo)
				t.Eq("open", t.Post(u+"/xhr", "").Body, "o\n")
				cts := []string{"text/plain", "T", "application/json", "application/xml", "", "application/json; charset=utf-8", "text/xml; charset=utf-8", "text/xml"}
				for _, ct := range cts {
					t.Eq("status for Content-Type "+ct, t.PostH(u+"/xhr_send", `["a"]`, map[string]string{"Content-Type": ct}).Status, 204)
				}
				t.Eq("poll", t.Post(u+"/xhr", "").Body, "a["+strings.TrimSuffix(strings.Repeat(`"a",`, len(cts)), ",")+"]\n")
			}},
		Case{ID: "xhr-polling.6", Category: "xhr-polling", Title: "open with Access-Control-Request-Headers \"a, b, c\", empty, absent",
			Expect: "Access-Control-Allow-Headers echoes \"a, b, c\"; absent otherwise",
			Run: func(t *T) {
				r := t.PostH(t.Session(echo)+"/xhr", "", map[string]string{"Access-Control-Request-Headers": "a, b, c"})
				t.Eq("status", r.Status, 200)
				t.CORS(r.Header, "")
				t.Eq("Access-Control-Allow-Headers", r.Header.Get("Access-Control-Allow-Headers"), "a, b, c")
				for _, h := range []map[string]string{{"Access-Control-Request-Headers": ""}, nil} {
					r = t.PostH(t.Session(echo)+"/xhr", "", h)
					t.Eq("status", r.Status, 200)
					t.CORS(r.Header, "")
					t.Eq("Access-Control-Allow-Headers", r.Header.Get("Access-Control-Allow-Headers"), "")
				}
			}},
		Case{ID: "xhr-streaming.1", Category: "xhr-streaming", Title: "OPTIONS /xhr_streaming", Expect: "204, cacheable, Allow-Methods \"OPTIONS, POST\", CORS",
			Run: func(t *T) { t.Options(t.URL(echo, "/abc/abc/xhr_streaming"), "OPTIONS, POST") }},
		Case{ID: "xhr-streaming.2", Category: "xhr-streaming", Title: "open a stream, send [\"x\"]",
			Expect: "200 application/javascript;charset=UTF-8, CORS, not cached; 2048 h and \\n, o\\n, then a[\"x\"]\\n",
			Run: func(t *T) {
				u := t.Session(echo)
				s := t.Open(http.MethodPost, u+"/xhr_streaming", nil)
				t.Eq("status", s.Status, 200)
				t.ContentType(s.Header, "application/javascript;charset=UTF-8")
				t.CORS(s.Header, "")
				t.NotCached(s.Header)
				t.Eq("prelude", s.Until("\n"), strings.Repeat("h", 2048)+"\n")
				t.Eq("open", s.Until("\n"), "o\n")
				r := t.Post(u+"/xhr_send", `["x"]`)
				t.Eq("send status", r.Status, 204)
				t.Eq("message", s.Until("\n"), "a[\"x\"]\n")
			}},
		Case{ID: "xhr-streaming.3", Category: "xhr-streaming", TestServer: true, Title: "31 messages of 130 bytes on one stream (test server: 4096-byte response limit)",
			Expect: "each delivered, then the server ends the response",
			Run: func(t *T) {
				u := t.Session(echo)
				s := t.Open(http.MethodPost, u+"/xhr_streaming", nil)
				t.Eq("status", s.Status, 200)
				s.Until("\n")
				t.Eq("open", s.Until("\n"), "o\n")
				msg := `"` + strings.Repeat("x", 128) + `"`
				for range 31 {
					t.Eq("send status", t.Post(u+"/xhr_send", "["+msg+"]").Status, 204)
					t.Eq("message", s.Skipping("\n", "h\n"), "a["+msg+"]\n")
				}
				t.True(s.Ended(), "stream still open after 4096 bytes")
			}},
	)
}
