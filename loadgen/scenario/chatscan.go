package scenario

import (
	"encoding/json"
	"unicode/utf16"
	"unicode/utf8"
)

// chatMsg is what a member reads of a chat delivery: the fields the check
// needs, decoded into buffers that are reused from message to message, so
// that the receive path allocates nothing in steady state (encoding/json
// allocates the text of every message and costs several times more CPU
// per delivery than the scan; BenchmarkChatParse).
type chatMsg struct {
	typ, room, text []byte
	id, from, seq   uint64
	ts              int64
	key             []byte // scratch for the current object key
}

// parse reads the delivery b into m. The fields read (type, room, id,
// from, seq, ts, text) are parsed strictly; other fields are skipped
// without being checked. Whatever the scan does not take (a number
// written with a fraction or exponent, a null, malformed JSON) goes to
// encoding/json, whose verdict stands: parse returns false when b is not
// a JSON object encoding/json accepts into chatIn.
func (m *chatMsg) parse(b []byte) bool {
	if m.scan(b) {
		return true
	}
	var in chatIn
	if json.Unmarshal(b, &in) != nil {
		return false
	}
	m.typ = append(m.typ[:0], in.Type...)
	m.room = append(m.room[:0], in.Room...)
	m.text = append(m.text[:0], in.Text...)
	m.id, m.from, m.seq, m.ts = in.ID, in.From, in.Seq, in.TS
	return true
}

// scan is parse's fast path; false means "not taken", not "invalid".
func (m *chatMsg) scan(b []byte) bool {
	m.typ, m.room, m.text = m.typ[:0], m.room[:0], m.text[:0]
	m.id, m.from, m.seq, m.ts = 0, 0, 0, 0
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		return skipWS(b, i+1) == len(b)
	}
	for {
		var ok bool
		if i >= len(b) || b[i] != '"' {
			return false
		}
		if m.key, i, ok = appendJSONString(m.key[:0], b, i); !ok {
			return false
		}
		i = skipWS(b, i)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = skipWS(b, i+1)
		switch string(m.key) { // no allocation: the compiler compares in place
		case "type":
			m.typ, i, ok = appendJSONString(m.typ[:0], b, i)
		case "room":
			m.room, i, ok = appendJSONString(m.room[:0], b, i)
		case "text":
			m.text, i, ok = appendJSONString(m.text[:0], b, i)
		case "id":
			m.id, i, ok = scanUint(b, i)
		case "from":
			m.from, i, ok = scanUint(b, i)
		case "seq":
			m.seq, i, ok = scanUint(b, i)
		case "ts":
			m.ts, i, ok = scanInt(b, i)
		default:
			i, ok = skipValue(b, i)
		}
		if !ok {
			return false
		}
		i = skipWS(b, i)
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case ',':
			i = skipWS(b, i+1)
		case '}':
			return skipWS(b, i+1) == len(b)
		default:
			return false
		}
	}
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// appendJSONString decodes the JSON string that starts at b[i] (a quote)
// onto dst; it returns the index after the closing quote. Invalid escapes
// and control characters are not taken; lone surrogates become U+FFFD, as
// with encoding/json.
func appendJSONString(dst, b []byte, i int) ([]byte, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return dst, i, false
	}
	i++
	for i < len(b) {
		start := i
		for i < len(b) && b[i] != '"' && b[i] != '\\' && b[i] >= 0x20 {
			i++
		}
		dst = append(dst, b[start:i]...)
		if i >= len(b) || b[i] < 0x20 {
			return dst, i, false
		}
		if b[i] == '"' {
			return dst, i + 1, true
		}
		// An escape.
		if i+1 >= len(b) {
			return dst, i, false
		}
		switch c := b[i+1]; c {
		case '"', '\\', '/':
			dst = append(dst, c)
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r, ok := hex4(b, i+2)
			if !ok {
				return dst, i, false
			}
			i += 6
			if utf16.IsSurrogate(r) {
				if r2, ok := hex4(b, i+2); ok && i+1 < len(b) && b[i] == '\\' && b[i+1] == 'u' {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						dst = utf8.AppendRune(dst, d)
						i += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
			continue
		default:
			return dst, i, false
		}
		i += 2
	}
	return dst, i, false
}

// hex4 reads four hex digits at b[i:].
func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// scanUint reads a JSON integer of digits only (no sign, fraction or
// exponent, no leading zero, no overflow) at b[i:].
func scanUint(b []byte, i int) (uint64, int, bool) {
	start := i
	var n uint64
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		d := uint64(b[i] - '0')
		if n > (1<<64-1-d)/10 {
			return 0, i, false
		}
		n = n*10 + d
		i++
	}
	switch {
	case i == start, i-start > 1 && b[start] == '0':
		return 0, i, false
	case i < len(b) && (b[i] == '.' || b[i] == 'e' || b[i] == 'E'):
		return 0, i, false
	}
	return n, i, true
}

// scanInt is scanUint with an optional minus sign, within int64.
func scanInt(b []byte, i int) (int64, int, bool) {
	neg := i < len(b) && b[i] == '-'
	if neg {
		i++
	}
	u, i, ok := scanUint(b, i)
	switch {
	case !ok, !neg && u > 1<<63-1, neg && u > 1<<63:
		return 0, i, false
	case neg:
		return -int64(u-1) - 1, i, true
	}
	return int64(u), i, true
}

// skipValue skips the JSON value at b[i:]: strings and nesting are
// followed, scalars are taken up to the next delimiter unchecked.
func skipValue(b []byte, i int) (int, bool) {
	if i >= len(b) || b[i] == ',' || b[i] == '}' || b[i] == ']' {
		return i, false
	}
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '"':
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
			if i >= len(b) {
				return i, false
			}
			i++
		case '{', '[':
			depth++
			i++
		case '}', ']':
			if depth == 0 {
				return i, true
			}
			depth--
			i++
		case ',':
			if depth == 0 {
				return i, true
			}
			i++
		case ' ', '\t', '\n', '\r':
			if depth == 0 {
				return i, true
			}
			i++
		default:
			i++
		}
		if depth == 0 && i > 0 && (b[i-1] == '"' || b[i-1] == '}' || b[i-1] == ']') {
			return i, true
		}
	}
	return i, depth == 0
}
