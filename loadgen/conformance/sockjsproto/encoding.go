package sockjsproto

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
)

// JSON encoding of characters browsers and transports mangle.
func init() {
	register(
		Case{ID: "json-encoding.1", Category: "json-encoding", Title: "send every character the server must escape (U+00FF..U+FFFF: controls, U+200C-U+200F, U+2028-U+202F, U+2060-U+206F, U+FFF0-U+FFFF), read it back over xhr",
			Expect: "the server sends each of them as a \\uXXXX escape",
			Run: func(t *T) {
				u := t.Session(echo)
				t.Eq("open", t.Post(u+"/xhr", "").Body, "o\n")
				var raw, esc strings.Builder
				for r := rune(0xFF); r <= 0xFFFF; r++ {
					if serverEscapes(r) {
						raw.WriteRune(r)
						fmt.Fprintf(&esc, `\u%04x`, r)
					}
				}
				body, _ := json.Marshal([]string{raw.String()})
				t.Eq("send status", t.Post(u+"/xhr_send", string(body)).Status, 204)
				r := t.Post(u+"/xhr", "")
				got := strings.TrimSpace(r.Body)
				t.True(strings.HasPrefix(got, "a[") && strings.HasSuffix(got, "]"), "poll %s is not a message frame", clip(r.Body))
				got = got[2 : len(got)-1]
				t.Eq("escaped string", strings.ToLower(got), `"`+esc.String()+`"`)
			}},
		Case{ID: "json-encoding.2", Category: "json-encoding", Title: "send, \\u-escaped, every character a client must escape (controls, U+007F-U+009F, U+2000-U+20FF, U+FFF0-U+FFFF, combining marks, ...)",
			Expect: "the server decodes the escapes: the same string comes back",
			Run: func(t *T) {
				u := t.Session(echo)
				t.Eq("open", t.Post(u+"/xhr", "").Body, "o\n")
				var esc strings.Builder
				var want []rune
				for r := rune(0); r <= 0xFFFF; r++ {
					if clientEscapes(r) {
						fmt.Fprintf(&esc, `\u%04x`, r)
						want = append(want, r)
					}
				}
				t.Eq("send status", t.Post(u+"/xhr_send", `["`+esc.String()+`"]`).Status, 204)
				r := t.Post(u+"/xhr", "")
				got := strings.TrimSpace(r.Body)
				t.True(strings.HasPrefix(got, "a[") && strings.HasSuffix(got, "]"), "poll %s is not a message frame", clip(r.Body))
				var s string
				t.True(json.Unmarshal([]byte(got[2:len(got)-1]), &s) == nil, "message is not a JSON string")
				// Surrogates cannot survive as Unicode: compare what can.
				wantS := strings.ToValidUTF8(string(want), "\uFFFD")
				t.Eq("decoded length in runes", len([]rune(s)), len([]rune(wantS)))
				t.True(s == wantS, "decoded string differs")
			}},
	)
}

// serverEscapes: the characters a server must escape (sockjs-protocol's
// escapable_by_server, from U+00FF up).
func serverEscapes(r rune) bool {
	return r <= 0x1F || (r >= 0x200C && r <= 0x200F) || (r >= 0x2028 && r <= 0x202F) ||
		(r >= 0x2060 && r <= 0x206F) || (r >= 0xFFF0 && r <= 0xFFFF)
}

// clientEscapes approximates sockjs-protocol's escapable_by_client: control
// and invisible characters, the general punctuation block, specials and
// the combining marks browsers normalise. Surrogates are left out: they
// are not characters a Go server can hold.
func clientEscapes(r rune) bool {
	switch {
	case r == '"' || r == '\\', r <= 0x1F, r >= 0x7F && r <= 0x9F, r == 0xAD,
		r >= 0x600 && r <= 0x604, r == 0x70F, r == 0x17B4, r == 0x17B5,
		r >= 0x2000 && r <= 0x20FF, r == 0xFEFF, r >= 0xFFF0:
		return true
	case r >= 0xD800 && r <= 0xDFFF:
		return false
	case r >= 0x300 && r <= 0x36F:
		return unicode.Is(unicode.Mn, r)
	}
	return false
}
