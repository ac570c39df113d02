package sockjsproto

import (
	"strings"
)

// jsonp-polling (/jsonp, /jsonp_send).
func init() {
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	register(
		Case{ID: "jsonp.1", Category: "jsonp", Title: "jsonp?c=%63allback, jsonp_send d=[\"x\"], poll",
			Expect: "callback(\"o\"); as application/javascript;charset=UTF-8, not cached; send 200 \"ok\" text/plain;charset=UTF-8; callback(\"a[\\\"x\\\"]\");",
			Run: func(t *T) {
				u := t.Session(echo)
				r := t.Get(u + "/jsonp?c=%63allback")
				t.Eq("status", r.Status, 200)
				t.ContentType(r.Header, "application/javascript;charset=UTF-8")
				t.NotCached(r.Header)
				t.Eq("open", r.Body, "callback(\"o\");\r\n")
				r = t.PostH(u+"/jsonp_send", "d=%5B%22x%22%5D", form)
				t.Eq("send status", r.Status, 200)
				t.Eq("send body", r.Body, "ok")
				t.ContentType(r.Header, "text/plain;charset=UTF-8")
				t.NotCached(r.Header)
				t.Eq("poll", t.Get(u+"/jsonp?c=%63allback").Body, "callback(\"a[\\\"x\\\"]\");\r\n")
			}},
		Case{ID: "jsonp.2", Category: "jsonp", Title: "jsonp without the c parameter", Expect: "500 \"\\\"callback\\\" parameter required\"",
			Run: func(t *T) {
				r := t.Get(t.URL(echo, "/a/a/jsonp"))
				t.Eq("status", r.Status, 500)
				t.True(strings.Contains(r.Body, `"callback" parameter required`), "body %s", clip(r.Body))
			}},
		Case{ID: "jsonp.3", Category: "jsonp", Title: "jsonp_send with broken JSON, then '', 'd=', 'p=p', then d=[\"b\"]",
			Expect: "500 \"Broken JSON encoding.\", 500 \"Payload expected.\" three times, then ok and x(\"a[\\\"b\\\"]\");",
			Run: func(t *T) {
				u := t.Session(echo)
				t.Eq("open", t.Get(u+"/jsonp?c=x").Body, "x(\"o\");\r\n")
				r := t.PostH(u+"/jsonp_send", "d=%5B%22x", form)
				t.Eq("status for broken JSON", r.Status, 500)
				t.True(strings.Contains(r.Body, "Broken JSON encoding."), "body %s", clip(r.Body))
				for _, d := range []string{"", "d=", "p=p"} {
					r = t.PostH(u+"/jsonp_send", d, form)
					t.Eq("status for body "+d, r.Status, 500)
					t.True(strings.Contains(r.Body, "Payload expected."), "body %s", clip(r.Body))
				}
				t.Eq("send", t.PostH(u+"/jsonp_send", "d=%5B%22b%22%5D", form).Body, "ok")
				t.Eq("poll", t.Get(u+"/jsonp?c=x").Body, "x(\"a[\\\"b\\\"]\");\r\n")
			}},
		Case{ID: "jsonp.4", Category: "jsonp", Title: "jsonp_send form-encoded and as text/plain",
			Expect: "both accepted: x(\"a[\\\"abc\\\",\\\"%61bc\\\"]\");",
			Run: func(t *T) {
				u := t.Session(echo)
				t.Eq("open", t.Get(u+"/jsonp?c=x").Body, "x(\"o\");\r\n")
				t.Eq("form send", t.PostH(u+"/jsonp_send", "d=%5B%22abc%22%5D", form).Body, "ok")
				t.Eq("text send", t.PostH(u+"/jsonp_send", `["%61bc"]`, map[string]string{"Content-Type": "text/plain"}).Body, "ok")
				t.Eq("poll", t.Get(u+"/jsonp?c=x").Body, "x(\"a[\\\"abc\\\",\\\"%61bc\\\"]\");\r\n")
			}},
		Case{ID: "jsonp.5", Category: "jsonp", Title: "jsonp session on /close, polled three times",
			Expect: "x(\"o\"); then x(\"c[3000,\\\"Go away!\\\"]\"); twice",
			Run: func(t *T) {
				u := t.Session(goAway)
				t.Eq("open", t.Get(u+"/jsonp?c=x").Body, "x(\"o\");\r\n")
				t.Eq("first poll", t.Get(u+"/jsonp?c=x").Body, "x(\"c[3000,\\\"Go away!\\\"]\");\r\n")
				t.Eq("second poll", t.Get(u+"/jsonp?c=x").Body, "x(\"c[3000,\\\"Go away!\\\"]\");\r\n")
			}},
	)
}
