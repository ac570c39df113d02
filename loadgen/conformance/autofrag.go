package conformance

import (
	"bytes"
	"fmt"
)

// Category 10: a message sent auto-fragmented (frames of 1300 bytes), and
// how the server frames a large echo of its own.
func init() {
	for i, op := range []byte{OpText, OpBinary} {
		register(Case{ID: fmt.Sprintf("10.1.%d", i+1), Category: "auto-fragmentation",
			Title:  fmt.Sprintf("a %s message of 65536 bytes in frames of 1300 bytes", opName(op)),
			Expect: "the message echoed whole, however the server frames it",
			Run: func(t *T) {
				p := filler(op, 65536)
				var fs []Frame
				for j := 0; j < len(p); j += 1300 {
					o := OpCont
					if j == 0 {
						o = op
					}
					fs = append(fs, Fragment(o, j+1300 >= len(p), p[j:min(j+1300, len(p))]))
				}
				t.c.sent = append(t.c.sent, fmt.Sprintf("%s message of %d bytes as %d frames of 1300 bytes", opName(op), len(p), len(fs)))
				t.sendQuiet(fs)
				if t.ExpectMessage(op, p) {
					t.CloseNormally()
				}
			}})
	}
	register(Case{ID: "10.2.1", Category: "auto-fragmentation",
		Title:  "one binary frame of max/16 bytes",
		Expect: "informational: the frames the server's echo comes in",
		Run: func(t *T) {
			p := filler(OpBinary, t.cfg.MaxMessage/16)
			t.Send(Binary(p))
			var got []byte
			frames := 0
			for {
				f, err := t.c.Next(t.wait())
				if err != nil {
					t.fail("no echo: " + waitErr(err))
					return
				}
				frames++
				got = append(got, f.Payload...)
				if f.Fin {
					break
				}
			}
			if !bytes.Equal(got, p) {
				t.fail("echo differs")
				return
			}
			t.info(fmt.Sprintf("echo of %d bytes in %d frame(s)", len(p), frames))
		}})
}
