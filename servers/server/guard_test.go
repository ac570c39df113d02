package server

import (
	"bytes"
	"errors"
	"io"
	"net"
	"testing"
	"unicode/utf8"

	"github.com/gobwas/ws"
)

func TestUTF8StreamEverySplit(t *testing.T) {
	for _, s := range []string{"", "ascii", "caf\u00e9", "\u20ac\U0001F600x", "a\xffb", "\xed\xa0\x80", "\xc3", "ab\xf0\x9f\x98", "\xc0\xaf"} {
		want := utf8.ValidString(s)
		for i := 0; i <= len(s); i++ {
			for j := i; j <= len(s); j++ {
				var u utf8Stream
				got := u.write([]byte(s[:i])) && u.write([]byte(s[i:j])) && u.write([]byte(s[j:])) && u.end()
				if got != want {
					t.Errorf("%q split at %d,%d: valid=%v, want %v", s, i, j, got, want)
				}
			}
		}
	}
}

// guarded writes frames into one end of a pipe and reads them back
// through a Guard with reads of size chunk, returning what came through
// and the guard's verdict.
func guarded(t *testing.T, chunk int, text bool, frames ...ws.Frame) ([]byte, int) {
	t.Helper()
	client, srv := net.Pipe()
	defer srv.Close()
	go func() {
		defer client.Close()
		for _, f := range frames {
			if err := ws.WriteFrame(client, ws.MaskFrame(f)); err != nil {
				return
			}
		}
	}()
	g := NewGuard(srv, nil, 1000)
	g.CheckText = text
	var out bytes.Buffer
	buf := make([]byte, chunk)
	for {
		n, err := g.Read(buf)
		out.Write(buf[:n])
		if errors.Is(err, ErrViolation) || err == io.EOF {
			return out.Bytes(), g.Violation()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestGuard(t *testing.T) {
	text := func(fin bool, p string) ws.Frame { return ws.NewFrame(ws.OpText, fin, []byte(p)) }
	cont := func(fin bool, p string) ws.Frame { return ws.NewFrame(ws.OpContinuation, fin, []byte(p)) }
	cases := []struct {
		name   string
		text   bool
		frames []ws.Frame
		want   int
	}{
		{"valid text", true, []ws.Frame{text(true, "caf\u00e9")}, 0},
		{"character across fragments", true, []ws.Frame{text(false, "caf\xc3"), ws.NewPingFrame([]byte("p")), cont(true, "\xa9")}, 0},
		{"invalid text", true, []ws.Frame{text(true, "ab\xffcd")}, CloseInvalidData},
		{"text cut short", true, []ws.Frame{text(false, "ok"), cont(true, "\xc3")}, CloseInvalidData},
		{"invalid text unchecked", false, []ws.Frame{text(true, "ab\xffcd")}, 0},
		{"invalid binary", true, []ws.Frame{ws.NewBinaryFrame([]byte{0xff})}, 0},
		{"close reason", false, []ws.Frame{ws.NewCloseFrame(append(ws.NewCloseFrameBody(1000, "x"), 0xff))}, CloseInvalidData},
		{"valid close", false, []ws.Frame{ws.NewCloseFrame(ws.NewCloseFrameBody(1000, "bye"))}, 0},
		{"message at the limit", false, []ws.Frame{ws.NewBinaryFrame(make([]byte, 1000))}, 0},
		{"frame over the limit", false, []ws.Frame{ws.NewBinaryFrame(make([]byte, 1001))}, CloseTooBig},
		{"fragments over the limit", false, []ws.Frame{
			ws.NewFrame(ws.OpBinary, false, make([]byte, 600)), ws.NewFrame(ws.OpContinuation, true, make([]byte, 401))}, CloseTooBig},
	}
	for _, tc := range cases {
		for _, chunk := range []int{1, 3, 4096} {
			got, code := guarded(t, chunk, tc.text, tc.frames...)
			if code != tc.want {
				t.Errorf("%s (reads of %d): violation %d, want %d", tc.name, chunk, code, tc.want)
			}
			if tc.want == 0 {
				var all bytes.Buffer
				for _, f := range tc.frames {
					ws.WriteFrame(&all, ws.MaskFrame(f))
				}
				// The masks are random per frame: compare lengths, the
				// bytes are passed through untouched by construction.
				if len(got) != all.Len() {
					t.Errorf("%s (reads of %d): %d bytes through, want %d", tc.name, chunk, len(got), all.Len())
				}
			}
		}
	}
}
