package wire

import "encoding/binary"

// The RFC 6455 frame codec (section 5.2): the one encoder and decoder of
// frame headers and masking in the project. The load generator's client
// (ws.go), the conformance client (loadgen/conformance) and the servers'
// tests (servers/servertest, through loadgen/conformance) all use it.

// WebSocket opcodes (RFC 6455, section 5.2).
const (
	OpContinuation byte = 0x0
	OpText         byte = 0x1
	OpBinary       byte = 0x2
	OpClose        byte = 0x8
	OpPing         byte = 0x9
	OpPong         byte = 0xA
)

// MaxFrameHeader is the longest frame header: 2 bytes, an 8-byte length
// and a 4-byte masking key.
const MaxFrameHeader = 14

// FrameHeader is a decoded frame header.
type FrameHeader struct {
	Fin    bool
	Rsv    byte // the three RSV bits, 0-7
	Op     byte
	Masked bool
	Key    uint32 // the masking key, its bytes in wire order as a little-endian number
	Length uint64 // the payload length the header declares
}

// AppendFrameHeader appends the header of a frame whose payload is n bytes
// (n need not be the length of what follows: a test may declare more than
// it sends). A masked header carries key, in MaskBytes's byte order.
func AppendFrameHeader(b []byte, fin bool, rsv, op byte, n uint64, masked bool, key uint32) []byte {
	b0 := op&0x0F | (rsv&7)<<4
	if fin {
		b0 |= 0x80
	}
	var mbit byte
	if masked {
		mbit = 0x80
	}
	b = append(b, b0)
	switch {
	case n < 126:
		b = append(b, mbit|byte(n))
	case n <= 0xFFFF:
		b = append(b, mbit|126, byte(n>>8), byte(n))
	default:
		b = append(b, mbit|127)
		b = binary.BigEndian.AppendUint64(b, n)
	}
	if masked {
		b = binary.LittleEndian.AppendUint32(b, key)
	}
	return b
}

// ParseFrameHeader decodes the frame header at the start of b. It returns
// the header's length in bytes, which may exceed len(b): then only that
// length is known (b holds at least 2 bytes) and the header is not decoded
// beyond its first 2 bytes. It returns 0 when b is shorter than 2 bytes.
func ParseFrameHeader(b []byte) (FrameHeader, int) {
	if len(b) < 2 {
		return FrameHeader{}, 0
	}
	h := FrameHeader{Fin: b[0]&0x80 != 0, Rsv: b[0] >> 4 & 7, Op: b[0] & 0x0F, Masked: b[1]&0x80 != 0}
	n := uint64(b[1] & 0x7F)
	hl := 2
	switch n {
	case 126:
		hl += 2
	case 127:
		hl += 8
	}
	if h.Masked {
		hl += 4
	}
	if len(b) < hl {
		return h, hl
	}
	switch n {
	case 126:
		n = uint64(binary.BigEndian.Uint16(b[2:]))
	case 127:
		n = binary.BigEndian.Uint64(b[2:])
	}
	h.Length = n
	if h.Masked {
		h.Key = binary.LittleEndian.Uint32(b[hl-4:])
	}
	return h, hl
}

// MaskBytes XORs b with the 4-byte masking key (its little-endian bytes in
// order), eight bytes at a time; masking twice unmasks.
func MaskBytes(key uint32, b []byte) {
	k := uint64(key) | uint64(key)<<32
	for len(b) >= 32 {
		binary.LittleEndian.PutUint64(b, binary.LittleEndian.Uint64(b)^k)
		binary.LittleEndian.PutUint64(b[8:], binary.LittleEndian.Uint64(b[8:])^k)
		binary.LittleEndian.PutUint64(b[16:], binary.LittleEndian.Uint64(b[16:])^k)
		binary.LittleEndian.PutUint64(b[24:], binary.LittleEndian.Uint64(b[24:])^k)
		b = b[32:]
	}
	for len(b) >= 8 {
		binary.LittleEndian.PutUint64(b, binary.LittleEndian.Uint64(b)^k)
		b = b[8:]
	}
	for i := range b {
		b[i] ^= byte(k >> (8 * uint(i&3)))
	}
}
