package sockjsproto

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
)

// The greeting at the base URL, the iframe page and /info.
func init() {
	register(
		Case{ID: "greeting.1", Category: "greeting", Title: "GET base URL, with and without trailing slash",
			Expect: "200 text/plain;charset=UTF-8 \"Welcome to SockJS!\\n\", no cookie",
			Run: func(t *T) {
				for _, u := range []string{t.URL(echo, ""), t.URL(echo, "/")} {
					r := t.Get(u)
					t.Eq("status", r.Status, 200)
					t.ContentType(r.Header, "text/plain;charset=UTF-8")
					t.Eq("body", r.Body, "Welcome to SockJS!\n")
					t.NoCookie(r.Header)
				}
			}},
		Case{ID: "greeting.2", Category: "greeting", Title: "GET unknown paths below the base URL (/a, /a.html, //, ///, /a/a, /a/a/, /a/)",
			Expect: "404 for each",
			Run: func(t *T) {
				for _, s := range []string{"/a", "/a.html", "//", "///", "/a/a", "/a/a/", "/a/"} {
					t.Eq("status of GET "+s, t.Get(t.URL(echo, s)).Status, 404)
				}
			}},
	)
	iframeRe := regexp.MustCompile(`(?s)^<!DOCTYPE html>\s*<html>\s*<head>.*<script>\s*document\.domain = document\.domain;\s*_sockjs_onload = function\(\)\{SockJS\.bootstrap_iframe\(\);\};\s*</script>\s*<script src="([^"]*)"></script>.*</html>$`)
	verifyIframe := func(t *T, u string) *Resp {
		r := t.Get(u)
		t.Eq("status of "+u, r.Status, 200)
		t.ContentType(r.Header, "text/html;charset=UTF-8")
		cc := r.Header.Get("Cache-Control")
		t.True(strings.Contains(cc, "public") && maxAgeRe.MatchString(cc), "iframe Cache-Control %q: public, a year", cc)
		t.True(r.Header.Get("Expires") != "" && r.Header.Get("ETag") != "", "iframe page needs Expires and ETag")
		t.True(r.Header.Get("Last-Modified") == "", "iframe page must not carry Last-Modified")
		m := iframeRe.FindStringSubmatch(strings.TrimSpace(r.Body))
		t.True(m != nil, "iframe body does not match the specified page: %s", clip(r.Body))
		t.True(strings.HasPrefix(m[1], "/") || strings.HasPrefix(m[1], "http"), "sockjs_url %q is not a URL", m[1])
		t.NoCookie(r.Header)
		return r
	}
	iframe := func(id, title string, suffixes ...string) Case {
		return Case{ID: id, Category: "iframe", Title: title,
			Expect: "200 text/html;charset=UTF-8, cacheable for a year, ETag, the specified page",
			Run: func(t *T) {
				for _, s := range suffixes {
					verifyIframe(t, t.URL(echo, s))
				}
			}}
	}
	register(
		iframe("iframe.1", "GET /iframe.html", "/iframe.html"),
		iframe("iframe.2", "GET versioned iframe URLs", "/iframe-a.html", "/iframe-.html", "/iframe-0.1.2.html", "/iframe-0.1.2abc-dirty.2144.html"),
		iframe("iframe.3", "GET iframe URLs with a query string", "/iframe-a.html?t=1234", "/iframe-0.1.2.html?t=123414", "/iframe-0.1.2abc-dirty.2144.html?t=qweqweq123"),
		Case{ID: "iframe.4", Category: "iframe", Title: "GET malformed iframe URLs (/iframe.htm, /iframe, /IFRAME.HTML, ...)", Expect: "404 for each",
			Run: func(t *T) {
				for _, s := range []string{"/iframe.htm", "/iframe", "/IFRAME.HTML", "/IFRAME", "/iframe.HTML", "/iframe.xml", "/iframe-/.html"} {
					t.Eq("status of GET "+s, t.Get(t.URL(echo, s)).Status, 404)
				}
			}},
		Case{ID: "iframe.5", Category: "iframe", Title: "GET /iframe.html twice, then with If-None-Match", Expect: "the same ETag; 304 with no body and no Content-Type",
			Run: func(t *T) {
				r1, r2 := t.Get(t.URL(echo, "/iframe.html")), t.Get(t.URL(echo, "/iframe.html"))
				t.True(r1.Header.Get("ETag") != "", "no ETag")
				t.Eq("second ETag", r2.Header.Get("ETag"), r1.Header.Get("ETag"))
				r := t.Do(http.MethodGet, t.URL(echo, "/iframe.html"), "", map[string]string{"If-None-Match": r1.Header.Get("ETag")})
				t.Eq("status", r.Status, 304)
				t.Eq("Content-Type", r.Header.Get("Content-Type"), "")
				t.Eq("body", r.Body, "")
			}},
	)
	info := func(t *T, prefix string) (*Resp, map[string]any) {
		r := t.Get(t.URL(prefix, "/info"))
		t.Eq("status", r.Status, 200)
		var data map[string]any
		t.True(json.Unmarshal([]byte(r.Body), &data) == nil, "/info is not JSON: %s", clip(r.Body))
		return r, data
	}
	register(
		Case{ID: "info.1", Category: "info", Title: "GET /info",
			Expect: "200 application/json;charset=UTF-8, not cached, CORS, no cookie; websocket true, cookie_needed boolean, origins [\"*:*\"], entropy an integer",
			Run: func(t *T) {
				r, data := info(t, echo)
				t.ContentType(r.Header, "application/json;charset=UTF-8")
				t.NoCookie(r.Header)
				t.NotCached(r.Header)
				t.CORS(r.Header, "")
				t.Eq("websocket", data["websocket"], true)
				_, ok := data["cookie_needed"].(bool)
				t.True(ok, "cookie_needed %v is not a boolean", data["cookie_needed"])
				t.Eq("origins", data["origins"], []any{"*:*"})
				e, ok := data["entropy"].(float64)
				t.True(ok && e == float64(int64(e)), "entropy %v is not an integer", data["entropy"])
			}},
		Case{ID: "info.2", Category: "info", Title: "GET /info twice", Expect: "two different entropy values",
			Run: func(t *T) {
				_, a := info(t, echo)
				_, b := info(t, echo)
				t.True(a["entropy"] != b["entropy"], "entropy repeated: %v", a["entropy"])
			}},
		Case{ID: "info.3", Category: "info", Title: "OPTIONS /info with no Origin, Origin test, Origin null", Expect: "204, cacheable a year, Allow-Methods \"OPTIONS, GET\", CORS",
			Run: func(t *T) { t.Options(t.URL(echo, "/info"), "OPTIONS, GET") }},
		Case{ID: "info.4", Category: "info", Title: "OPTIONS /info with Origin null", Expect: "204, no body, Access-Control-Allow-Origin *",
			Run: func(t *T) {
				r := t.Do(http.MethodOptions, t.URL(echo, "/info"), "", map[string]string{"Origin": "null"})
				t.Eq("status", r.Status, 204)
				t.Eq("body", r.Body, "")
				t.Eq("Access-Control-Allow-Origin", r.Header.Get("Access-Control-Allow-Origin"), "*")
			}},
		Case{ID: "info.5", Category: "info", Title: "GET /disabled_websocket_echo/info", Expect: "websocket false",
			Run: func(t *T) {
				_, data := info(t, wsOff)
				t.Eq("websocket", data["websocket"], false)
			}},
	)
}
