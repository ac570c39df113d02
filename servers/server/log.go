package server

import (
	"io"
	"log"
	"os"
)

// quietLog drops net/http's per-connection error lines (TLS handshakes,
// broken clients) unless WSBENCH_DEBUG is set: the failure tests provoke
// thousands of them on purpose.
func quietLog() *log.Logger {
	if os.Getenv("WSBENCH_DEBUG") != "" {
		return log.New(os.Stderr, "http: ", log.LstdFlags)
	}
	return log.New(io.Discard, "", 0)
}
