package payload

import (
	"bytes"
	"compress/flate"
	"encoding/json"
	"errors"
	"testing"
	"unicode/utf8"
)

func deflated(p []byte) int {
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestSpeed)
	_, _ = w.Write(p)
	_ = w.Close()
	return b.Len()
}

// TestKinds: every kind's messages check, differ from one sequence number
// to the next, are caught when damaged, allocate nothing, and compress as
// the kind promises.
func TestKinds(t *testing.T) {
	const size = 16 << 10
	for _, kind := range Kinds {
		for _, text := range []bool{false, true} {
			f, err := NewFormatKind(size, 7, kind, text)
			if err != nil {
				t.Fatal(err)
			}
			a, b := f.New(), f.New()
			f.Stamp(a, 1, 0, 3)
			f.Stamp(b, 2, 0, 3)
			for _, m := range [][]byte{a, b} {
				if _, err := f.Check(m); err != nil {
					t.Fatalf("%s: %v", kind, err)
				}
			}
			if kind != Pattern && bytes.Equal(a[HeaderSize:], b[HeaderSize:]) {
				t.Errorf("%s: two messages share their filler", kind)
			}
			if (text || kind != Random) && !utf8.Valid(a) {
				t.Errorf("%s (text %v): filler is not UTF-8", kind, text)
			}
			a[size-1] ^= 1
			if _, err := f.Check(a); !errors.Is(err, ErrFiller) {
				t.Errorf("%s: damaged filler: %v", kind, err)
			}
			if n := testing.AllocsPerRun(20, func() { f.Stamp(b, 5, 1, 2); _, _ = f.Check(b) }); n != 0 {
				t.Errorf("%s: %v allocations per message", kind, n)
			}
			ratio := float64(deflated(b)) / float64(len(b))
			switch {
			case kind == Random && !text && ratio < 0.99:
				t.Errorf("random bytes deflate to %.2f of their size", ratio)
			case (kind == JSON || kind == ChatJSON) && ratio > 0.6:
				t.Errorf("%s deflates only to %.2f", kind, ratio)
			}
		}
	}
}

// TestJSONKindsAreJSON: the pools are JSON values back to back.
func TestJSONKindsAreJSON(t *testing.T) {
	for _, kind := range []Kind{JSON, ChatJSON} {
		p := newPool(kind, 1000, true)
		dec := json.NewDecoder(bytes.NewReader(bytes.TrimSuffix(p.b, []byte(","))))
		n := 0
		for dec.More() {
			var v map[string]any
			if err := dec.Decode(&v); err != nil {
				// records are comma-separated: skip the comma
				break
			}
			n++
		}
		if kind == ChatJSON && n < len(p.starts) {
			t.Errorf("%s: %d of %d objects decoded", kind, n, len(p.starts))
		}
		if kind == JSON {
			arr := append(append([]byte("["), bytes.TrimSuffix(p.b, []byte(","))...), ']')
			var v []map[string]any
			if err := json.Unmarshal(arr, &v); err != nil {
				t.Errorf("json records: %v", err)
			}
		}
	}
}

func TestParseKind(t *testing.T) {
	if k, err := ParseKind(""); err != nil || k != Pattern {
		t.Fatalf("empty kind: %v %v", k, err)
	}
	if _, err := ParseKind("nope"); err == nil {
		t.Fatal("unknown kind accepted")
	}
}

// TestTextKindsAreValidUTF8: with chat text of multi-byte characters (the
// chat rooms' generator has emoji), every message of a text kind is valid
// UTF-8 whatever its size, sequence number and stream: a filler cut
// through a character made SockJS servers close with 1007 or echo the
// message mangled.
func TestTextKindsAreValidUTF8(t *testing.T) {
	saved := ChatText
	t.Cleanup(func() { ChatText = saved })
	words := []string{"ok", "👍", "🎉", "déjà", "vu", "😂"}
	ChatText = func(dst []byte, pub int, seq uint64) []byte {
		dst = dst[:0]
		for i := range 3 + int(seq%7) {
			dst = append(dst, words[(pub+i+int(seq))%len(words)]...)
			dst = append(dst, ' ')
		}
		return dst
	}
	for _, kind := range []Kind{ChatJSON, JSON, Random} {
		for _, size := range []int{HeaderSize + 1, 256, 16 << 10} {
			f, err := NewFormatKind(size, 3, kind, true)
			if err != nil {
				t.Fatal(err)
			}
			m := f.New()
			for stream := range uint32(8) {
				for seq := range uint64(500) {
					f.Stamp(m, seq, 0, stream)
					if !utf8.Valid(m) {
						t.Fatalf("%s, %d bytes: message %d of stream %d is not valid UTF-8: ...%q", kind, size, seq, stream, m[max(0, len(m)-8):])
					}
				}
			}
		}
	}
}
