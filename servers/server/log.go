package server

import (
	"io"
	"log"
	"os"
)

// Debug reports whether WSBENCH_DEBUG is set: then the servers keep the
// libraries' own log lines, which are dropped otherwise (the failure tests
// provoke thousands of them on purpose).
func Debug() bool { return os.Getenv("WSBENCH_DEBUG") != "" }

// quietLog drops net/http's per-connection error lines (TLS handshakes,
// broken clients) unless Debug.
func quietLog() *log.Logger {
	if Debug() {
		return log.New(os.Stderr, "http: ", log.LstdFlags)
	}
	return log.New(io.Discard, "", 0)
}
