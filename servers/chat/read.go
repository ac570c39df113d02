package chat

import (
	"encoding/json"
	"errors"
	"io"
)

// IsDecodeError reports whether err, returned by a library's JSON reader
// (gorilla's ReadJSON, x/net's JSON.Receive...), is about the message's
// content rather than the connection: the client gets an error message and
// the connection goes on.
func IsDecodeError(err error) bool {
	var se *json.SyntaxError
	var ue *json.UnmarshalTypeError
	return errors.As(err, &se) || errors.As(err, &ue) || errors.Is(err, io.ErrUnexpectedEOF)
}
