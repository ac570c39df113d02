package sockjsproto

import (
	"encoding/json"
	"net/http"
	"strings"
)

// The JSESSIONID cookie on /cookie_needed_echo (for sticky load balancers).
func init() {
	verifyCookie := func(t *T, h http.Header, want string) {
		parts := strings.Split(h.Get("Set-Cookie"), ";")
		t.True(len(parts) >= 2, "Set-Cookie %q, want %s; path=/", h.Get("Set-Cookie"), want)
		t.Eq("cookie", strings.TrimSpace(parts[0]), want)
		t.Eq("cookie path", strings.ToLower(strings.TrimSpace(parts[1])), "path=/")
	}
	register(
		Case{ID: "cookie.1", Category: "cookie", Title: "GET /cookie_needed_echo/info", Expect: "cookie_needed true, no cookie on /info",
			Run: func(t *T) {
				r := t.Get(t.URL(cookie, "/info"))
				t.Eq("status", r.Status, 200)
				t.NoCookie(r.Header)
				var data map[string]any
				t.True(json.Unmarshal([]byte(r.Body), &data) == nil, "/info is not JSON")
				t.Eq("cookie_needed", data["cookie_needed"], true)
			}},
		Case{ID: "cookie.2", Category: "cookie", Title: "xhr open without a cookie, then with JSESSIONID=abcdef", Expect: "JSESSIONID=dummy; path=/, then JSESSIONID=abcdef; path=/",
			Run: func(t *T) {
				r := t.Post(t.Session(cookie)+"/xhr", "")
				t.Eq("open", r.Body, "o\n")
				verifyCookie(t, r.Header, "JSESSIONID=dummy")
				r = t.PostH(t.Session(cookie)+"/xhr", "", map[string]string{"Cookie": "JSESSIONID=abcdef"})
				t.Eq("open", r.Body, "o\n")
				verifyCookie(t, r.Header, "JSESSIONID=abcdef")
			}},
		Case{ID: "cookie.3", Category: "cookie", Title: "xhr_streaming, eventsource, htmlfile opened on /cookie_needed_echo", Expect: "JSESSIONID=dummy; path=/ on each",
			Run: func(t *T) {
				for _, o := range []struct{ method, suffix string }{{"POST", "/xhr_streaming"}, {"GET", "/eventsource"}, {"GET", "/htmlfile?c=%63allback"}} {
					s := t.Open(o.method, t.Session(cookie)+o.suffix, nil)
					t.Eq("status of "+o.suffix, s.Status, 200)
					verifyCookie(t, s.Header, "JSESSIONID=dummy")
					s.Close()
				}
			}},
		Case{ID: "cookie.4", Category: "cookie", Title: "jsonp and jsonp_send on /cookie_needed_echo", Expect: "JSESSIONID=dummy; path=/ on both, callback(\"o\"); and ok",
			Run: func(t *T) {
				u := t.Session(cookie)
				r := t.Get(u + "/jsonp?c=%63allback")
				t.Eq("status", r.Status, 200)
				verifyCookie(t, r.Header, "JSESSIONID=dummy")
				t.Eq("open", r.Body, "callback(\"o\");\r\n")
				r = t.PostH(u+"/jsonp_send", "d=%5B%22x%22%5D", map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
				t.Eq("send", r.Body, "ok")
				verifyCookie(t, r.Header, "JSESSIONID=dummy")
			}},
	)
}
