// Package accept is the accept loop of the servers that take connections
// from the listener themselves instead of through net/http (gobwas-epoll,
// tcp).
package accept

import (
	"errors"
	"net"
	"time"
)

// Backoff bounds: after a temporary accept error (out of descriptors and
// the like) the loop waits, from minBackoff doubling up to maxBackoff, and
// retries, as net/http does.
const (
	minBackoff = 5 * time.Millisecond
	maxBackoff = time.Second
)

// Loop accepts connections on ln and hands each to handle, in a goroutine
// of its own, until Accept fails. It returns nil when closing reports true
// at that point (the server is shutting down and closed ln), and the
// error otherwise; temporary errors are retried after a backoff.
func Loop(ln net.Listener, closing func() bool, handle func(net.Conn)) error {
	var backoff time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			if closing() {
				return nil
			}
			if Temporary(err) {
				backoff = min(max(2*backoff, minBackoff), maxBackoff)
				time.Sleep(backoff)
				continue
			}
			return err
		}
		backoff = 0
		go handle(nc)
	}
}

// Temporary reports whether err is an accept error worth retrying: a
// timeout, or an error that says it is temporary (EMFILE, ENFILE, EINTR
// and the like).
func Temporary(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && t.Temporary()
}
