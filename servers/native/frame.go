package native

import "encoding/binary"

// Opcodes (RFC 6455 section 5.2).
const (
	opContinuation = 0x0
	opText         = 0x1
	opBinary       = 0x2
	opClose        = 0x8
	opPing         = 0x9
	opPong         = 0xA
)

// Bits of a frame's first two bytes.
const (
	bitFin     = 0x80
	bitsRsv    = 0x70
	maskOpcode = 0x0F
	bitMask    = 0x80
	maskLen7   = 0x7F
)

const (
	// maxHeader is the longest server frame header: 2 bytes, 8 of length,
	// no mask key.
	maxHeader = 10
	// maxControlPayload is the largest payload of a control frame.
	maxControlPayload = 125
)

func isControl(op byte) bool { return op&0x8 != 0 }

func knownOpcode(op byte) bool {
	switch op {
	case opContinuation, opText, opBinary, opClose, opPing, opPong:
		return true
	}
	return false
}

// header is one parsed frame header.
type header struct {
	fin    bool
	rsv    byte // the three reserved bits, still in place (0x70)
	op     byte
	masked bool
	length uint64
	key    [4]byte
}

// putHeader writes an unmasked server frame header for a payload of n
// bytes at the end of dst (len(dst) >= maxHeader) and returns how many
// bytes it used: the header is dst[len(dst)-used:]. Writing it backwards
// lets a payload that follows dst go out in the same write.
func putHeader(dst []byte, op byte, n int) int {
	end := len(dst)
	switch {
	case n <= 125:
		dst[end-2] = bitFin | op
		dst[end-1] = byte(n)
		return 2
	case n <= 0xFFFF:
		dst[end-4] = bitFin | op
		dst[end-3] = 126
		binary.BigEndian.PutUint16(dst[end-2:], uint16(n))
		return 4
	default:
		dst[end-10] = bitFin | op
		dst[end-9] = 127
		binary.BigEndian.PutUint64(dst[end-8:], uint64(n))
		return 10
	}
}

// mask XORs p in place with key, starting at key offset pos, and returns
// the key offset after p (for a payload read in pieces). Eight bytes at a
// time where it can.
func mask(key [4]byte, pos int, p []byte) int {
	if len(p) == 0 {
		return pos
	}
	var k [4]byte
	for i := range k {
		k[i] = key[(pos+i)&3]
	}
	i := 0
	if len(p) >= 8 {
		k32 := uint64(binary.LittleEndian.Uint32(k[:]))
		k64 := k32 | k32<<32
		for ; i+8 <= len(p); i += 8 {
			v := binary.LittleEndian.Uint64(p[i:])
			binary.LittleEndian.PutUint64(p[i:], v^k64)
		}
	}
	for ; i < len(p); i++ {
		p[i] ^= k[i&3]
	}
	return (pos + len(p)) & 3
}
