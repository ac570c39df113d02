package wire

import (
	"bytes"
	"testing"
)

// TestFrameHeaderRoundTrip: every header AppendFrameHeader writes,
// ParseFrameHeader reads back, at each length encoding's boundaries; a
// prefix of it tells the header's length but not its content.
func TestFrameHeaderRoundTrip(t *testing.T) {
	for _, n := range []uint64{0, 1, 125, 126, 127, 0xFFFF, 0x10000, 1 << 40} {
		for _, masked := range []bool{false, true} {
			want := FrameHeader{Fin: n%2 == 0, Rsv: byte(n % 8), Op: OpBinary, Masked: masked, Length: n}
			if masked {
				want.Key = 0x11223344
			}
			b := AppendFrameHeader([]byte("x"), want.Fin, want.Rsv, want.Op, n, masked, want.Key)[1:]
			got, hl := ParseFrameHeader(b)
			if got != want || hl != len(b) || hl > MaxFrameHeader {
				t.Errorf("n=%d masked=%v: parsed %+v (header %d of %d bytes), want %+v", n, masked, got, hl, len(b), want)
			}
			if _, hl := ParseFrameHeader(b[:2]); hl != len(b) {
				t.Errorf("n=%d masked=%v: header length %d from 2 bytes, want %d", n, masked, hl, len(b))
			}
		}
	}
	if _, hl := ParseFrameHeader([]byte{0x81}); hl != 0 {
		t.Errorf("one byte: header length %d, want 0", hl)
	}
}

// TestMaskTwice: masking twice gives back the payload, at every alignment
// of the eight-byte loop.
func TestMaskTwice(t *testing.T) {
	for n := range 80 {
		p := message(n)
		q := bytes.Clone(p)
		MaskBytes(0xA1B2C3D4, q)
		if n >= 4 && bytes.Equal(p, q) {
			t.Fatalf("len %d: masking changed nothing", n)
		}
		MaskBytes(0xA1B2C3D4, q)
		if !bytes.Equal(p, q) {
			t.Fatalf("len %d: masking twice did not restore the payload", n)
		}
	}
}
