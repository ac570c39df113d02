// Package payload builds and checks the load generator's messages.
//
// Every message is printable ASCII (digits and letters only, so that SockJS
// JSON framing and Server-Sent Events carry it verbatim) and starts with a
// fixed 40-byte header:
//
//	offset  size  field
//	0       10    sequence number within its stream, hex
//	10      12    timestamp: nanoseconds since the run's epoch, hex
//	22      6     stream (the connection for echo, the publisher for broadcast), hex
//	28      4     run id, hex (tells this run's messages from older ones)
//	32      8     CRC-32C of bytes 0..32, hex
//	40      ...   filler, the same fixed pattern in every message of a run
//
// A receiver checks the length, the header CRC and the filler byte for byte,
// so any change to any byte is caught. Building a message rewrites the
// header only; checking one costs a 32-byte CRC and a memory compare.
package payload

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
)

// HeaderSize is the smallest message size.
const HeaderSize = 40

const (
	offSeq    = 0
	offTime   = 10
	offStream = 22
	offRun    = 28
	offCRC    = 32

	lenSeq    = 10
	lenTime   = 12
	lenStream = 6
	lenRun    = 4
	lenCRC    = 8
)

// Limits of the header fields.
const (
	MaxSeq    = 1<<(4*lenSeq) - 1
	MaxTime   = 1<<(4*lenTime) - 1 // about 78 hours in nanoseconds
	MaxStream = 1<<(4*lenStream) - 1
	MaxRun    = 1<<(4*lenRun) - 1
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

const hexDigits = "0123456789ABCDEF"

// fillerAlphabet is what the filler cycles through.
const fillerAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// Header is the decoded header of a message.
type Header struct {
	Seq    uint64
	Time   int64 // nanoseconds since the run's epoch
	Stream uint32
	Run    uint16
}

// Format describes the messages of one run: their size and run id.
type Format struct {
	Size int
	Run  uint16
	Kind Kind
	tmpl []byte // a message with a zero header and the filler
	pool *pool  // the filler's content when Kind is not Pattern
}

// NewFormat returns the format of messages of size bytes (at least
// HeaderSize) for run id run.
func NewFormat(size int, run uint16) (*Format, error) {
	if size < HeaderSize {
		return nil, fmt.Errorf("message size %d is below the %d-byte header", size, HeaderSize)
	}
	t := make([]byte, size)
	for i := range t[:HeaderSize] {
		t[i] = '0'
	}
	for i := HeaderSize; i < size; i++ {
		t[i] = fillerAlphabet[(i-HeaderSize)%len(fillerAlphabet)]
	}
	return &Format{Size: size, Run: run, Kind: Pattern, tmpl: t}, nil
}

// NewFormatKind is NewFormat with the filler of kind: the pool of
// generated content is built once (about a megabyte); text asks for
// printable content where the kind would have other bytes (Random).
func NewFormatKind(size int, run uint16, kind Kind, text bool) (*Format, error) {
	f, err := NewFormat(size, run)
	if err != nil || kind == Pattern || kind == "" {
		return f, err
	}
	if _, err := ParseKind(string(kind)); err != nil {
		return nil, err
	}
	f.Kind = kind
	f.pool = newPool(kind, size-HeaderSize, text)
	return f, nil
}

// New returns a fresh message buffer filled with the template; Stamp then
// rewrites its header for each message.
func (f *Format) New() []byte { return append([]byte(nil), f.tmpl...) }

// Stamp writes the header of message seq of stream into m, a buffer made by
// New, and, for a Kind other than Pattern, its filler. It does not
// allocate.
func (f *Format) Stamp(m []byte, seq uint64, at int64, stream uint32) {
	putHex(m[offSeq:offSeq+lenSeq], seq)
	putHex(m[offTime:offTime+lenTime], uint64(at))
	putHex(m[offStream:offStream+lenStream], uint64(stream))
	putHex(m[offRun:offRun+lenRun], uint64(f.Run))
	putHex(m[offCRC:offCRC+lenCRC], uint64(crc32.Checksum(m[:offCRC], castagnoli)))
	if f.pool != nil {
		copy(m[HeaderSize:], f.pool.at(seq, stream, f.Size-HeaderSize))
	}
}

// Errors returned by Check.
var (
	ErrSize    = errors.New("wrong size")
	ErrHeader  = errors.New("header damaged")
	ErrFiller  = errors.New("filler damaged")
	ErrForeign = errors.New("message from another run")
)

// Check verifies m and returns its header. With ErrFiller the header is
// intact (its CRC matched) and h is valid; with the other errors h is not
// to be trusted.
func (f *Format) Check(m []byte) (h Header, err error) {
	if len(m) != f.Size {
		return h, ErrSize
	}
	crc, ok := getHex(m[offCRC : offCRC+lenCRC])
	if !ok || uint32(crc) != crc32.Checksum(m[:offCRC], castagnoli) {
		return h, ErrHeader
	}
	seq, ok1 := getHex(m[offSeq : offSeq+lenSeq])
	at, ok2 := getHex(m[offTime : offTime+lenTime])
	stream, ok3 := getHex(m[offStream : offStream+lenStream])
	run, ok4 := getHex(m[offRun : offRun+lenRun])
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return h, ErrHeader
	}
	h = Header{Seq: seq, Time: int64(at), Stream: uint32(stream), Run: uint16(run)}
	if h.Run != f.Run {
		return h, ErrForeign
	}
	filler := f.tmpl[HeaderSize:]
	if f.pool != nil {
		filler = f.pool.at(h.Seq, h.Stream, f.Size-HeaderSize)
	}
	if !bytes.Equal(m[HeaderSize:], filler) {
		return h, ErrFiller
	}
	return h, nil
}

// putHex writes v as len(b) upper-case hex digits, most significant first.
func putHex(b []byte, v uint64) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = hexDigits[v&0xF]
		v >>= 4
	}
}

// getHex parses upper-case hex digits.
func getHex(b []byte) (uint64, bool) {
	var v uint64
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | uint64(c-'0')
		case c >= 'A' && c <= 'F':
			v = v<<4 | uint64(c-'A'+10)
		default:
			return 0, false
		}
	}
	return v, true
}
