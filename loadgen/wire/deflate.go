package wire

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/flate"
)

// Deflate is the permessage-deflate (RFC 7692) offer a WebSocket client
// makes (Options.Deflate).
type Deflate string

// Offers.
const (
	// DeflateOff offers no extension (the default).
	DeflateOff Deflate = "off"
	// DeflateContextTakeover offers the extension as a browser does
	// ("permessage-deflate; client_max_window_bits") and follows what the
	// server answers: the server may still ask for no context takeover.
	DeflateContextTakeover Deflate = "context-takeover"
	// DeflateNoContextTakeover also asks for no context takeover on both
	// sides (server_no_context_takeover; client_no_context_takeover).
	DeflateNoContextTakeover Deflate = "no-context-takeover"
)

// Deflates lists the offers, the default first.
var Deflates = []Deflate{DeflateOff, DeflateNoContextTakeover, DeflateContextTakeover}

// On reports whether the extension is offered.
func (d Deflate) On() bool { return d != "" && d != DeflateOff }

// offer is the Sec-WebSocket-Extensions value sent, "" for none.
func (d Deflate) offer() string {
	switch d {
	case DeflateContextTakeover:
		return "permessage-deflate; client_max_window_bits"
	case DeflateNoContextTakeover:
		return "permessage-deflate; client_max_window_bits; server_no_context_takeover; client_no_context_takeover"
	}
	return ""
}

// deflateParams are the parameters a server answered with.
type deflateParams struct {
	serverNoTakeover, clientNoTakeover bool
}

// String is the negotiated variant: "no-context-takeover" when neither
// side keeps its window, "context-takeover" when both do, or the one side
// that does not.
func (p deflateParams) String() string {
	switch {
	case p.serverNoTakeover && p.clientNoTakeover:
		return string(DeflateNoContextTakeover)
	case !p.serverNoTakeover && !p.clientNoTakeover:
		return string(DeflateContextTakeover)
	case p.serverNoTakeover:
		return "server-no-context-takeover"
	default:
		return "client-no-context-takeover"
	}
}

// parseDeflateAnswer reads the server's Sec-WebSocket-Extensions answer to
// offer d. An empty answer means the server declined (ok false). A window
// smaller than 32 KiB asked of the client is refused: the deflater
// cannot limit its window.
func parseDeflateAnswer(ext string, d Deflate) (p deflateParams, ok bool, err error) {
	if ext == "" {
		return p, false, nil
	}
	if !d.On() {
		return p, false, protoErr("handshake: extension %q not requested", ext)
	}
	if strings.Contains(ext, ",") {
		return p, false, protoErr("handshake: several extensions answered: %q", ext)
	}
	parts := strings.Split(ext, ";")
	if strings.TrimSpace(parts[0]) != "permessage-deflate" {
		return p, false, protoErr("handshake: extension %q not requested", ext)
	}
	seen := map[string]bool{}
	for _, part := range parts[1:] {
		name, val, hasVal := strings.Cut(strings.TrimSpace(part), "=")
		name = strings.TrimSpace(name)
		if seen[name] {
			return p, false, protoErr("handshake: permessage-deflate parameter %q twice", name)
		}
		seen[name] = true
		switch name {
		case "server_no_context_takeover":
			p.serverNoTakeover = true
		case "client_no_context_takeover":
			p.clientNoTakeover = true
		case "server_max_window_bits":
			// Our inflater has a 32 KiB window: any server window fits.
			if _, err := windowBits(val, hasVal); err != nil {
				return p, false, err
			}
		case "client_max_window_bits":
			bits, err := windowBits(val, hasVal)
			if err != nil {
				return p, false, err
			}
			if bits < 15 {
				return p, false, fmt.Errorf("handshake: server limits the client's window to %d bits, which the deflater cannot honour (it has no smaller window)", bits)
			}
		default:
			return p, false, protoErr("handshake: unknown permessage-deflate parameter %q", name)
		}
	}
	if d == DeflateNoContextTakeover && !(p.serverNoTakeover && p.clientNoTakeover) {
		// The client asked for no takeover; it applies them whatever the
		// server said (a server's window reset is its own business, ours
		// we may always reset).
		p.clientNoTakeover = true
	}
	return p, true, nil
}

func windowBits(val string, hasVal bool) (int, error) {
	if !hasVal {
		return 0, protoErr("handshake: max_window_bits without a value")
	}
	n, err := strconv.Atoi(strings.Trim(strings.TrimSpace(val), `"`))
	if err != nil || n < 8 || n > 15 {
		return 0, protoErr("handshake: max_window_bits %q out of range", val)
	}
	return n, nil
}

// deflateTail ends the compressed data of every message: the sender
// strips the empty stored block a sync flush writes (00 00 ff ff), and the
// receiver appends it back, followed by an empty final stored block so
// that the inflater ends cleanly at the message's end.
const deflateTail = "\x00\x00\xff\xff\x01\x00\x00\xff\xff"

// maxWindow is deflate's window: the dictionary that context takeover
// carries from one message to the next.
const maxWindow = 32 << 10

// Compression is github.com/klauspost/compress/flate rather than
// compress/flate: its reader keeps its Huffman tables across Reset, so
// inflating a message allocates nothing, where compress/flate's allocates
// them again for every message.

// writers are flate writers shared by connections that reset theirs for
// every message (no client context takeover): held only while one
// message is compressed.
var writers = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.BestSpeed)
	return w
}}

// deflater compresses and inflates one connection's messages, reusing its
// writer, reader and buffers: no allocation per message once they have
// grown to the largest message.
type deflater struct {
	params deflateParams

	// Sending (under the connection's write lock).
	fw  *flate.Writer // kept with client context takeover, else from writers
	out sliceWriter   // compressed bytes of the message being sent

	// Receiving (reader goroutine only).
	fr     io.ReadCloser // flate reader, reset for every message
	src    bytes.Reader
	in     []byte // compressed message + deflateTail
	window []byte // the last maxWindow bytes received (server context takeover)
}

func newDeflater(p deflateParams) *deflater { return &deflater{params: p} }

// compress returns p compressed, without the sync flush's tail; the result
// is valid until the next call.
func (d *deflater) compress(p []byte) ([]byte, error) {
	d.out.b = d.out.b[:0]
	fw := d.fw
	switch {
	case fw == nil && d.params.clientNoTakeover:
		fw = writers.Get().(*flate.Writer)
		fw.Reset(&d.out)
		defer writers.Put(fw)
	case fw == nil:
		fw, _ = flate.NewWriter(&d.out, flate.BestSpeed)
		d.fw = fw
	}
	if _, err := fw.Write(p); err != nil {
		return nil, err
	}
	if err := fw.Flush(); err != nil {
		return nil, err
	}
	b := d.out.b
	if !bytes.HasSuffix(b, []byte(deflateTail[:4])) {
		return nil, fmt.Errorf("deflate: sync flush did not end with 00 00 ff ff")
	}
	return b[:len(b)-4], nil
}

// inflate decompresses the message p into out[:0], growing it as needed.
func (d *deflater) inflate(out, p []byte, limit int) ([]byte, error) {
	d.in = append(append(d.in[:0], p...), deflateTail...)
	d.src.Reset(d.in)
	var dict []byte
	if !d.params.serverNoTakeover {
		dict = d.window
	}
	if d.fr == nil {
		d.fr = flate.NewReaderDict(&d.src, dict)
	} else if err := d.fr.(flate.Resetter).Reset(&d.src, dict); err != nil {
		return out[:0], err
	}
	out = out[:0]
	for {
		if len(out) == cap(out) {
			out = grow(out, max(512, len(out)))[:len(out)]
		}
		n, err := d.fr.Read(out[len(out):cap(out)])
		out = out[:len(out)+n]
		if len(out) > limit {
			return out, ErrTooBig
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return out, fmt.Errorf("deflate: %w", err)
		}
	}
	if !d.params.serverNoTakeover {
		d.window = appendWindow(d.window, out)
	}
	return out, nil
}

// appendWindow keeps the last maxWindow bytes of w followed by p.
func appendWindow(w, p []byte) []byte {
	if len(p) >= maxWindow {
		return append(w[:0], p[len(p)-maxWindow:]...)
	}
	if keep := maxWindow - len(p); len(w) > keep {
		copy(w, w[len(w)-keep:])
		w = w[:keep]
	}
	return append(w, p...)
}

// sliceWriter appends to a reused slice.
type sliceWriter struct{ b []byte }

func (w *sliceWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}
