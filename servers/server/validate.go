package server

import (
	"encoding/binary"
	"unicode/utf8"
)

// The checks RFC 6455 requires on received data that some libraries leave
// out. Adapters call these where their library does not check (see
// Library.AdapterChecks), so that every server answers the same way.

// ValidText reports whether p may be the payload of a text message: valid
// UTF-8 (RFC 6455, section 8.1). A text message that is not is answered
// with CloseInvalidData.
func ValidText(p []byte) bool { return utf8.Valid(p) }

// CloseReply returns the code with which to answer a peer's close frame
// whose payload is p: the peer's code when it is valid, CloseNormal when
// the frame has no code, CloseProtocolError for a one-byte payload or a
// code that may not be sent, and CloseInvalidData for a reason that is not
// valid UTF-8 (RFC 6455, sections 5.5.1, 7.1.6 and 7.4).
func CloseReply(p []byte) int {
	switch {
	case len(p) == 0:
		return CloseNormal
	case len(p) == 1:
		return CloseProtocolError
	}
	code := int(binary.BigEndian.Uint16(p))
	switch {
	case !ValidCloseCode(code):
		return CloseProtocolError
	case !utf8.Valid(p[2:]):
		return CloseInvalidData
	}
	return code
}

// ValidCloseCode reports whether code may appear in a close frame
// (RFC 6455, section 7.4).
func ValidCloseCode(code int) bool {
	switch {
	case code >= 1000 && code <= 1014:
		return code != 1004 && code != 1005 && code != 1006
	default:
		return code >= 3000 && code <= 4999
	}
}
