package conformance

import (
	"bytes"
	"fmt"
	"time"
)

// Category 6: UTF-8 in text messages (section 8.1: a text message that is
// not valid UTF-8 MUST fail the connection, with close 1007).
func init() {
	kosme := []byte("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5") // κόσμε
	hello := []byte("Hello-\xc2\xb5@\xc3\x9f\xc3\xb6\xc3\xa4\xc3\xbc\xc3\xa0\xc3\xa1-UTF-8!!")
	const echoWhole = "the message echoed whole"
	register(
		Case{ID: "6.1.1", Category: "utf8", Behaviour: EmptyMessageDelivered, Title: "an empty text frame", Expect: echoWhole,
			Run: func(t *T) {
				t.Send(Text(nil))
				if t.ExpectMessage(OpText, nil) {
					t.CloseNormally()
				}
			}},
		Case{ID: "6.1.2", Category: "utf8", Behaviour: EmptyMessageDelivered, Title: "a text message in three empty fragments", Expect: echoWhole + " (empty)",
			Run: func(t *T) {
				t.Send(Fragment(OpText, false, nil), Fragment(OpCont, false, nil), Fragment(OpCont, true, nil))
				if t.ExpectMessage(OpText, nil) {
					t.CloseNormally()
				}
			}},
		Case{ID: "6.1.3", Category: "utf8", Title: "empty, non-empty, empty text fragments", Expect: echoWhole,
			Run: func(t *T) {
				t.Send(Fragment(OpText, false, nil), Fragment(OpCont, false, []byte("middle frame payload")), Fragment(OpCont, true, nil))
				if t.ExpectMessage(OpText, []byte("middle frame payload")) {
					t.CloseNormally()
				}
			}},
		validText("6.2.1", "valid UTF-8 in one frame", hello, len(hello)),
		validText("6.2.2", "valid UTF-8 in two fragments cut between code points", hello, 7),
		validText("6.2.3", "valid UTF-8, one byte per fragment (cuts inside code points)", hello, 1),
		validText("6.2.4", "κόσμε, one byte per fragment", kosme, 1),
	)
	bad := append(append(append([]byte(nil), kosme...), 0xED, 0xA0, 0x80), "edited"...)
	register(
		invalidText("6.3.1", "κόσμε, a surrogate (ED A0 80), \"edited\", in one frame", bad, len(bad)),
		invalidText("6.3.2", "the same, one byte per fragment", bad, 1),
	)
	// Fail fast: the invalid byte is in the first part; the rest follows
	// only if the server has not failed the connection by then.
	tooBig := []byte{0xF4, 0x90, 0x80, 0x80} // above U+10FFFF
	const fastExpect = "close 1007 as soon as the invalid bytes arrive (OK), or once the message is complete (NON-STRICT)"
	register(
		Case{ID: "6.4.1", Category: "utf8", Title: "fragment 1: κόσμε + F4 90 80 80 (above U+10FFFF); fragment 2 \"edited\" only if the connection survives", Expect: fastExpect,
			Run: func(t *T) {
				t.Send(Fragment(OpText, false, append(append([]byte(nil), kosme...), tooBig...)))
				t.ExpectFailFast([]Frame{Fragment(OpCont, true, []byte("edited"))}, 1007)
			}},
		Case{ID: "6.4.2", Category: "utf8", Title: "fragment 1: κόσμε + F4; fragment 2: 90 (the invalid byte); fragment 3 only if the connection survives", Expect: fastExpect,
			Run: func(t *T) {
				t.Send(Fragment(OpText, false, append(append([]byte(nil), kosme...), 0xF4)), Fragment(OpCont, false, []byte{0x90}))
				t.ExpectFailFast([]Frame{Fragment(OpCont, true, append([]byte{0x80, 0x80}, "edited"...))}, 1007)
			}},
		Case{ID: "6.4.3", Category: "utf8", Title: "one text frame: its header and κόσμε + F4 90 80 80 written first, \"edited\" only if the connection survives", Expect: fastExpect,
			Run: func(t *T) {
				p := append(append(append([]byte(nil), kosme...), tooBig...), "edited"...)
				b := Frame{Fin: true, Op: OpText, Payload: p}.Encode([4]byte{})
				cut := len(b) - len("edited")
				t.c.SendRaw(b[:cut], fmt.Sprintf("TEXT fin=1 len=%d (zero mask): first %d bytes, up to the invalid sequence", len(p), cut))
				t.expectFailFastRaw(b[cut:], "the remaining 6 bytes (\"edited\")")
			}},
		Case{ID: "6.4.4", Category: "utf8", Title: "one text frame: κόσμε + F4 written first, then 90 alone, the rest only if the connection survives", Expect: fastExpect,
			Run: func(t *T) {
				p := append(append(append([]byte(nil), kosme...), tooBig...), "edited"...)
				b := Frame{Fin: true, Op: OpText, Payload: p}.Encode([4]byte{})
				cut := len(b) - len("edited") - 3
				t.c.SendRaw(b[:cut], fmt.Sprintf("TEXT fin=1 len=%d (zero mask): first %d bytes, up to F4", len(p), cut))
				time.Sleep(10 * time.Millisecond)
				t.c.SendRaw(b[cut:cut+1], "the byte 90")
				t.expectFailFastRaw(b[cut+1:], "the remaining bytes")
			}},
	)
	for i, v := range utf8Vectors {
		id := fmt.Sprintf("6.5.%d", i+1)
		if v.valid {
			register(validText(id, v.name, v.b, len(v.b)))
		} else {
			register(invalidText(id, v.name, v.b, len(v.b)))
		}
	}
}

// expectFailFastRaw is ExpectFailFast for a frame written as raw bytes.
func (t *T) expectFailFastRaw(rest []byte, note string) {
	switch t.expectFailWithin(t.cfg.FailFast, 1007) {
	case failSeen, failWrong:
		return
	}
	t.c.SendRaw(rest, note)
	switch t.expectFailWithin(t.wait(), 1007) {
	case failSeen:
		t.nonStrict("server failed the connection only after the message was complete")
	case failTimeout:
		t.fail("server never failed the connection: close 1007 expected")
	}
}

// splitFrames cuts p into text fragments of n bytes (one frame if n >= len).
func splitFrames(p []byte, n int) []Frame {
	if n >= len(p) || n <= 0 {
		return []Frame{Text(p)}
	}
	var fs []Frame
	for i := 0; i < len(p); i += n {
		op := OpCont
		if i == 0 {
			op = OpText
		}
		fs = append(fs, Fragment(op, i+n >= len(p), p[i:min(i+n, len(p))]))
	}
	return fs
}

func validText(id, title string, p []byte, frag int) Case {
	return Case{ID: id, Category: "utf8", Title: title + fmt.Sprintf(" (% X)", head(p)),
		Expect: "valid UTF-8: the message echoed unchanged",
		Run: func(t *T) {
			t.Send(splitFrames(p, frag)...)
			if t.ExpectMessage(OpText, p) {
				t.CloseNormally()
			}
		}}
}

func invalidText(id, title string, p []byte, frag int) Case {
	return Case{ID: id, Category: "utf8", Title: title + fmt.Sprintf(" (% X)", head(p)),
		Expect: "invalid UTF-8: the server fails the connection with close 1007 (section 8.1), never echoes it",
		Run: func(t *T) {
			t.Send(splitFrames(p, frag)...)
			t.ExpectFail(1007)
		}}
}

func head(p []byte) []byte {
	if len(p) > 24 {
		return p[:24]
	}
	return p
}

type utf8Vector struct {
	name  string
	valid bool
	b     []byte
}

// utf8Vectors are the boundary and malformed sequences of Markus Kuhn's
// UTF-8 decoder stress test, each sent as one text frame.
var utf8Vectors = []utf8Vector{
	{"first 1-byte sequence U+0000", true, []byte{0x00}},
	{"first 2-byte sequence U+0080", true, []byte{0xC2, 0x80}},
	{"first 3-byte sequence U+0800", true, []byte{0xE0, 0xA0, 0x80}},
	{"first 4-byte sequence U+10000", true, []byte{0xF0, 0x90, 0x80, 0x80}},
	{"last 1-byte sequence U+007F", true, []byte{0x7F}},
	{"last 2-byte sequence U+07FF", true, []byte{0xDF, 0xBF}},
	{"last 3-byte sequence U+FFFF (noncharacter, valid)", true, []byte{0xEF, 0xBF, 0xBF}},
	{"last code point U+10FFFF", true, []byte{0xF4, 0x8F, 0xBF, 0xBF}},
	{"U+D7FF (before the surrogates)", true, []byte{0xED, 0x9F, 0xBF}},
	{"U+E000 (after the surrogates)", true, []byte{0xEE, 0x80, 0x80}},
	{"U+FFFD replacement character", true, []byte{0xEF, 0xBF, 0xBD}},
	{"U+FFFE noncharacter (valid)", true, []byte{0xEF, 0xBF, 0xBE}},
	{"first 5-byte sequence", false, []byte{0xF8, 0x88, 0x80, 0x80, 0x80}},
	{"first 6-byte sequence", false, []byte{0xFC, 0x84, 0x80, 0x80, 0x80, 0x80}},
	{"code point U+110000", false, []byte{0xF4, 0x90, 0x80, 0x80}},
	{"lone continuation byte 80", false, []byte{0x80}},
	{"lone continuation byte BF", false, []byte{0xBF}},
	{"three continuation bytes", false, []byte{0x80, 0xBF, 0x80}},
	{"2-byte start C0 followed by a space", false, []byte{0xC0, 0x20}},
	{"3-byte start E0 followed by a space", false, []byte{0xE0, 0x20}},
	{"2-byte sequence with its last byte missing", false, []byte{0xC2}},
	{"3-byte sequence with its last byte missing", false, []byte{0xE1, 0x80}},
	{"4-byte sequence with its last byte missing", false, []byte{0xF1, 0x80, 0x80}},
	{"impossible byte FE", false, []byte{0xFE}},
	{"impossible byte FF", false, []byte{0xFF}},
	{"impossible bytes FE FE FF FF", false, []byte{0xFE, 0xFE, 0xFF, 0xFF}},
	{"overlong slash, 2 bytes", false, []byte{0xC0, 0xAF}},
	{"overlong slash, 3 bytes", false, []byte{0xE0, 0x80, 0xAF}},
	{"overlong slash, 4 bytes", false, []byte{0xF0, 0x80, 0x80, 0xAF}},
	{"largest overlong 2-byte sequence", false, []byte{0xC1, 0xBF}},
	{"largest overlong 3-byte sequence", false, []byte{0xE0, 0x9F, 0xBF}},
	{"largest overlong 4-byte sequence", false, []byte{0xF0, 0x8F, 0xBF, 0xBF}},
	{"overlong NUL, 2 bytes", false, []byte{0xC0, 0x80}},
	{"surrogate U+D800", false, []byte{0xED, 0xA0, 0x80}},
	{"surrogate U+DB7F", false, []byte{0xED, 0xAD, 0xBF}},
	{"surrogate U+DBFF", false, []byte{0xED, 0xAF, 0xBF}},
	{"surrogate U+DC00", false, []byte{0xED, 0xB0, 0x80}},
	{"surrogate U+DFFF", false, []byte{0xED, 0xBF, 0xBF}},
	{"surrogate pair U+D800 U+DC00", false, []byte{0xED, 0xA0, 0x80, 0xED, 0xB0, 0x80}},
	{"valid text ending in a truncated sequence", false, append(bytes.Repeat([]byte("a"), 20), 0xE2, 0x82)},
}
