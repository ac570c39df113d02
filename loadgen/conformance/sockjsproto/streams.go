package sockjsproto

import (
	"net/http"
	"strings"
)

// eventsource and htmlfile, the two GET streaming transports.
func init() {
	register(
		Case{ID: "eventsource.1", Category: "eventsource", Title: "open an event stream, send [\"x\"], then [\"  \\u0000\\n\\r \"]",
			Expect: "200 text/event-stream;charset=UTF-8, not cached; \\r\\n prelude, data: o, data: a[\"x\"], the control characters JSON-escaped",
			Run: func(t *T) {
				u := t.Session(echo)
				s := t.Open(http.MethodGet, u+"/eventsource", nil)
				t.Eq("status", s.Status, 200)
				t.ContentType(s.Header, "text/event-stream;charset=UTF-8")
				t.NotCached(s.Header)
				t.Eq("prelude", s.Until("\r\n"), "\r\n")
				t.Eq("open", s.Until("\r\n\r\n"), "data: o\r\n\r\n")
				t.Eq("send status", t.Post(u+"/xhr_send", `["x"]`).Status, 204)
				t.Eq("message", s.Until("\r\n\r\n"), "data: a[\"x\"]\r\n\r\n")
				t.Eq("send status", t.Post(u+"/xhr_send", `["  \u0000\n\r "]`).Status, 204)
				t.Eq("message", s.Until("\r\n\r\n"), "data: a[\"  \\u0000\\n\\r \"]\r\n\r\n")
			}},
		Case{ID: "eventsource.2", Category: "eventsource", TestServer: true, Title: "one 4098-byte message on an event stream (test server: 4096-byte response limit)",
			Expect: "the message, then the server ends the response",
			Run: func(t *T) {
				u := t.Session(echo)
				s := t.Open(http.MethodGet, u+"/eventsource", nil)
				s.Until("\r\n")
				t.Eq("open", s.Until("\r\n\r\n"), "data: o\r\n\r\n")
				msg := `"` + strings.Repeat("x", 4096) + `"`
				t.Eq("send status", t.Post(u+"/xhr_send", "["+msg+"]").Status, 204)
				t.Eq("message", s.Skipping("\r\n\r\n", "data: h\r\n\r\n"), "data: a["+msg+"]\r\n\r\n")
				t.True(s.Ended(), "stream still open after 4096 bytes")
			}},
	)
	const head = `<!doctype html>
<html><head>
  <meta http-equiv="X-UA-Compatible" content="IE=edge" />
  <meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
</head><body><h2>Don't panic!</h2>
  <script>
    document.domain = document.domain;
    var c = parent.callback;
    c.start();
    function p(d) {c.message(d);};
    window.onload = function() {c.stop();};
  </script>`
	register(
		Case{ID: "htmlfile.1", Category: "htmlfile", Title: "open htmlfile?c=%63allback, send [\"x\"]",
			Expect: "200 text/html;charset=UTF-8, not cached; the specified page padded over 1 KiB, then <script>p(\"o\")</script>, then the message",
			Run: func(t *T) {
				u := t.Session(echo)
				s := t.Open(http.MethodGet, u+"/htmlfile?c=%63allback", nil)
				t.Eq("status", s.Status, 200)
				t.ContentType(s.Header, "text/html;charset=UTF-8")
				t.NotCached(s.Header)
				d := s.Until("\r\n\r\n")
				t.Eq("page head", strings.TrimSpace(d), head)
				t.True(len(d) > 1024, "page of %d bytes, want over 1024", len(d))
				t.Eq("open", s.Until("</script>\r\n"), "<script>\np(\"o\");\n</script>\r\n")
				t.Eq("send status", t.Post(u+"/xhr_send", `["x"]`).Status, 204)
				t.Eq("message", s.Until("</script>\r\n"), "<script>\np(\"a[\\\"x\\\"]\");\n</script>\r\n")
			}},
		Case{ID: "htmlfile.2", Category: "htmlfile", Title: "htmlfile without the c parameter", Expect: "500 \"\\\"callback\\\" parameter required\"",
			Run: func(t *T) {
				r := t.Get(t.URL(echo, "/a/a/htmlfile"))
				t.Eq("status", r.Status, 500)
				t.True(strings.Contains(r.Body, `"callback" parameter required`), "body %s", clip(r.Body))
			}},
		Case{ID: "htmlfile.3", Category: "htmlfile", TestServer: true, Title: "one 4096-byte message on an htmlfile stream (test server: 4096-byte response limit)",
			Expect: "the message, then the server ends the response",
			Run: func(t *T) {
				u := t.Session(echo)
				s := t.Open(http.MethodGet, u+"/htmlfile?c=callback", nil)
				s.Until("\r\n\r\n")
				t.Eq("open", s.Until("</script>\r\n"), "<script>\np(\"o\");\n</script>\r\n")
				msg := strings.Repeat("x", 4096)
				t.Eq("send status", t.Post(u+"/xhr_send", `["`+msg+`"]`).Status, 204)
				t.Eq("message", s.Skipping("</script>\r\n", "<script>\np(\"h\");\n</script>\r\n"), "<script>\np(\"a[\\\""+msg+"\\\"]\");\n</script>\r\n")
				t.True(s.Ended(), "stream still open after 4096 bytes")
			}},
	)
}
