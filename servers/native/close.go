package native

import (
	"encoding/binary"
	"errors"
	"unicode/utf8"
)

// Close codes (RFC 6455 section 7.4.1) this package sends itself.
const (
	closeNoStatus    = 1005 // never on the wire: "no code given"
	closeProtocol    = 1002
	closeInvalidData = 1007
	closeTooBig      = 1009
)

// validCloseCode reports whether a peer may send code in a close frame:
// the assigned codes that are not reserved for local use, and the
// registered (3000-3999) and private (4000-4999) ranges.
func validCloseCode(code int) bool {
	switch {
	case code >= 1000 && code <= 1003, code >= 1007 && code <= 1014:
		return true
	case code >= 3000 && code <= 4999:
		return true
	}
	return false
}

// parseClose checks a close frame's payload and returns the code to echo
// (closeNoStatus when the peer gave none). A one-byte payload or a code
// that may not be sent is a protocol error; a reason that is not UTF-8 is
// invalid data.
func parseClose(p []byte) (int, error) {
	switch {
	case len(p) == 0:
		return closeNoStatus, nil
	case len(p) == 1:
		return 0, protocolError("close frame with a one-byte payload")
	}
	code := int(binary.BigEndian.Uint16(p))
	if !validCloseCode(code) {
		return 0, protocolError("invalid close code")
	}
	if !utf8.Valid(p[2:]) {
		return 0, &closeError{code: closeInvalidData, reason: "invalid UTF-8 in the close reason"}
	}
	return code, nil
}

// fail ends a connection after a read error: a *closeError is answered
// with its close frame, then the connection lingers until the peer closes
// or a deadline passes, so that the kernel does not reset a connection
// with unread input before the close frame reaches the client.
func (c *conn) fail(err error) {
	var ce *closeError
	if !errors.As(err, &ce) {
		return
	}
	if c.writeClose(ce.code, ce.reason) != nil {
		return
	}
	c.linger()
}
