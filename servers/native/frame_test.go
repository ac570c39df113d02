package native

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/wsbench/wsbench/loadgen/wire"
)

// clientFrame encodes one masked client frame with loadgen/wire's codec,
// independently of putHeader.
func clientFrame(b0 byte, key [4]byte, p []byte) []byte {
	k := binary.LittleEndian.Uint32(key[:])
	out := wire.AppendFrameHeader(nil, b0&0x80 != 0, b0>>4&7, b0&0x0F, uint64(len(p)), true, k)
	start := len(out)
	out = append(out, p...)
	wire.MaskBytes(k, out[start:])
	return out
}

var testKey = [4]byte{0x37, 0xfa, 0x21, 0x3d}

// testConn reads the given client bytes and writes into out.
func testConn(in []byte, out *bytes.Buffer) *conn {
	return &conn{br: bufio.NewReader(bytes.NewReader(in)), w: out, maxSize: 1 << 20}
}

// serverFrames splits what the server wrote into (first byte, payload).
type sentFrame struct {
	b0 byte
	p  []byte
}

func serverFrames(t *testing.T, b []byte) []sentFrame {
	t.Helper()
	var out []sentFrame
	for len(b) > 0 {
		h, hl := wire.ParseFrameHeader(b)
		if hl == 0 || hl > len(b) || h.Masked || uint64(len(b)-hl) < h.Length {
			t.Fatalf("bad server frame header % x", b[:min(len(b), wire.MaxFrameHeader)])
		}
		n := int(h.Length)
		out = append(out, sentFrame{b[0], b[hl : hl+n]})
		b = b[hl+n:]
	}
	return out
}

func TestPutHeader(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want []byte
	}{
		{0, []byte{0x82, 0}},
		{125, []byte{0x82, 125}},
		{126, []byte{0x82, 126, 0, 126}},
		{65535, []byte{0x82, 126, 0xff, 0xff}},
		{65536, []byte{0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0}},
	} {
		var dst [maxHeader]byte
		hn := putHeader(dst[:], opBinary, tc.n)
		if got := dst[maxHeader-hn:]; !bytes.Equal(got, tc.want) {
			t.Errorf("n=%d: header % x, want % x", tc.n, got, tc.want)
		}
	}
}

func TestMask(t *testing.T) {
	p := []byte("the quick brown fox jumps over the lazy dog")
	want := make([]byte, len(p))
	for i := range p {
		want[i] = p[i] ^ testKey[i%4]
	}
	// In one piece and in pieces of odd sizes: the key offset carries over.
	got := append([]byte(nil), p...)
	mask(testKey, 0, got)
	if !bytes.Equal(got, want) {
		t.Fatalf("mask in one piece: % x, want % x", got, want)
	}
	got = append([]byte(nil), p...)
	pos := 0
	for _, cut := range [][2]int{{0, 3}, {3, 14}, {14, 15}, {15, len(p)}} {
		pos = mask(testKey, pos, got[cut[0]:cut[1]])
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("mask in pieces: % x, want % x", got, want)
	}
}

func TestEchoFramesAndSizes(t *testing.T) {
	for _, n := range []int{0, 1, 125, 126, 65535, 65536, 200000} {
		p := bytes.Repeat([]byte{0xa5, 0x01, 0x7e}, n/3+1)[:n]
		var out bytes.Buffer
		c := testConn(clientFrame(0x80|opBinary, testKey, p), &out)
		op, got, err := c.next()
		if err != nil || op != opBinary || !bytes.Equal(got, p) {
			t.Fatalf("n=%d: next = %d, %d bytes, %v", n, op, len(got), err)
		}
		if err := c.writeMessage(op); err != nil {
			t.Fatal(err)
		}
		fs := serverFrames(t, out.Bytes())
		if len(fs) != 1 || fs[0].b0 != 0x80|opBinary || !bytes.Equal(fs[0].p, p) {
			t.Fatalf("n=%d: echo was %d frames", n, len(fs))
		}
	}
}

func TestFragmentsWithControlFrames(t *testing.T) {
	var in []byte
	in = append(in, clientFrame(opText, testKey, []byte("hel"))...)
	in = append(in, clientFrame(0x80|opPing, testKey, []byte("are you there"))...)
	in = append(in, clientFrame(opContinuation, testKey, []byte("lo, "))...)
	in = append(in, clientFrame(0x80|opPong, testKey, []byte("unsolicited"))...)
	in = append(in, clientFrame(0x80|opContinuation, testKey, []byte("wörld"))...)
	in = append(in, clientFrame(0x80|opClose, testKey, []byte{0x0f, 0xa0, 'b', 'y', 'e'})...) // 4000
	var out bytes.Buffer
	c := testConn(in, &out)
	op, p, err := c.next()
	if err != nil || op != opText || string(p) != "hello, wörld" {
		t.Fatalf("next = %d %q %v", op, p, err)
	}
	if _, _, err := c.next(); !errors.Is(err, errPeerClosed) {
		t.Fatalf("after close frame: %v, want errPeerClosed", err)
	}
	fs := serverFrames(t, out.Bytes())
	if len(fs) != 2 || fs[0].b0 != 0x80|opPong || string(fs[0].p) != "are you there" {
		t.Fatalf("want a pong then a close, got %+v", fs)
	}
	if fs[1].b0 != 0x80|opClose || binary.BigEndian.Uint16(fs[1].p) != 4000 {
		t.Fatalf("close not echoed with 4000: %+v", fs[1])
	}
	if err := c.writeControl(opPing, nil); !errors.Is(err, errCloseSent) {
		t.Fatalf("frame after close: %v, want errCloseSent", err)
	}
}

func TestViolations(t *testing.T) {
	big := make([]byte, 126)
	cases := []struct {
		name string
		in   []byte
		code int
	}{
		{"rsv1", clientFrame(0x80|0x40|opText, testKey, []byte("x")), closeProtocol},
		{"opcode 3", clientFrame(0x80|3, testKey, nil), closeProtocol},
		{"opcode 11", clientFrame(0x80|11, testKey, nil), closeProtocol},
		{"unmasked", []byte{0x82, 1, 'x'}, closeProtocol},
		{"fragmented ping", clientFrame(opPing, testKey, nil), closeProtocol},
		{"long ping", clientFrame(0x80|opPing, testKey, big), closeProtocol},
		{"continuation first", clientFrame(0x80|opContinuation, testKey, []byte("x")), closeProtocol},
		{"text inside text", append(clientFrame(opText, testKey, []byte("a")), clientFrame(0x80|opText, testKey, []byte("b"))...), closeProtocol},
		{"length msb", []byte{0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}, closeProtocol},
		{"invalid utf-8 text", clientFrame(0x80|opText, testKey, []byte{'a', 0xff}), closeInvalidData},
		{"invalid utf-8 across fragments", append(clientFrame(opText, testKey, []byte{0xe2, 0x82}), clientFrame(0x80|opContinuation, testKey, []byte{'x'})...), closeInvalidData},
		{"close one byte", clientFrame(0x80|opClose, testKey, []byte{3}), closeProtocol},
		{"close code 1005", clientFrame(0x80|opClose, testKey, []byte{0x03, 0xed}), closeProtocol},
		{"close code 999", clientFrame(0x80|opClose, testKey, []byte{0x03, 0xe7}), closeProtocol},
		{"close reason not utf-8", clientFrame(0x80|opClose, testKey, []byte{0x03, 0xe8, 0xc3}), closeInvalidData},
		// Only the header is sent: the limit is applied before the payload.
		{"declared too big", []byte{0x82, 0xff, 0, 0, 0, 0, 0, 0x10, 0, 1, 1, 2, 3, 4}, closeTooBig},
		{"too big across fragments", append(clientFrame(opBinary, testKey, make([]byte, 1<<19)), []byte{0x80, 0xff, 0, 0, 0, 0, 0, 0x08, 0, 1, 1, 2, 3, 4}...), closeTooBig},
	}
	for _, tc := range cases {
		var out bytes.Buffer
		c := testConn(tc.in, &out)
		_, _, err := c.next()
		var ce *closeError
		if !errors.As(err, &ce) || ce.code != tc.code {
			t.Errorf("%s: error %v, want close code %d", tc.name, err, tc.code)
			continue
		}
		c.fail(err)
		fs := serverFrames(t, out.Bytes())
		if len(fs) != 1 || fs[0].b0 != 0x80|opClose || int(binary.BigEndian.Uint16(fs[0].p)) != tc.code {
			t.Errorf("%s: server sent %+v, want one close frame with %d", tc.name, fs, tc.code)
		}
	}
}

func TestCloseWithoutCode(t *testing.T) {
	var out bytes.Buffer
	c := testConn(clientFrame(0x80|opClose, testKey, nil), &out)
	if _, _, err := c.next(); !errors.Is(err, errPeerClosed) {
		t.Fatalf("got %v, want errPeerClosed", err)
	}
	if fs := serverFrames(t, out.Bytes()); len(fs) != 1 || fs[0].b0 != 0x80|opClose || len(fs[0].p) != 0 {
		t.Fatalf("answer %+v, want one empty close frame", fs)
	}
}

func TestAcceptKey(t *testing.T) {
	// The example of RFC 6455 section 1.3.
	if got := acceptKey("dGhlIHNhbXBsZSBub25jZQ=="); got != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
		t.Fatalf("acceptKey = %q", got)
	}
}

func TestEchoAllocations(t *testing.T) {
	p := make([]byte, 1024)
	frame := clientFrame(0x80|opBinary, testKey, p)
	rd := bytes.NewReader(frame)
	c := &conn{br: bufio.NewReader(rd), w: discard{}, maxSize: 1 << 20}
	echo := func() {
		rd.Reset(frame)
		c.br.Reset(rd)
		op, _, err := c.next()
		if err != nil {
			t.Fatal(err)
		}
		if err := c.writeMessage(op); err != nil {
			t.Fatal(err)
		}
		c.recycle()
	}
	echo() // grows the buffer once
	if n := testing.AllocsPerRun(100, echo); n != 0 {
		t.Fatalf("%v allocations per echo, want 0", n)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
