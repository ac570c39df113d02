package coderfork

import "github.com/wsbench/wsbench/servers/server"

// CompressionModes are a module's CompressionMode values, which
// AcceptOptions.CompressionMode takes: coder and nhooyr name the same
// three modes in their own types.
type CompressionModes[M any] struct {
	Disabled, NoContextTakeover, ContextTakeover M
}

// Of is the module's mode for d: disabled unless d asks for a mode with or
// without context takeover (the level is the library's, fixed).
func (m CompressionModes[M]) Of(d server.Deflate) M {
	switch d.Mode {
	case server.DeflateNoContextTakeover:
		return m.NoContextTakeover
	case server.DeflateContextTakeover:
		return m.ContextTakeover
	}
	return m.Disabled
}
