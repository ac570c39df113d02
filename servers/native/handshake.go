package native

import (
	"bufio"
	"crypto/sha1"
	"encoding/base64"
	"net"
	"net/http"
	"strings"
)

// acceptGUID is the fixed string RFC 6455 (section 1.3) appends to the
// client's key before hashing it.
const acceptGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// acceptKey computes Sec-WebSocket-Accept for a client's Sec-WebSocket-Key.
func acceptKey(key string) string {
	h := sha1.New()
	h.Write([]byte(key))
	h.Write([]byte(acceptGUID))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// headerHas reports whether a comma-separated header holds token
// (case-insensitive), as Connection: keep-alive, Upgrade does.
func headerHas(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// validKey reports whether key is the base64 encoding of 16 bytes.
func validKey(key string) bool {
	b, err := base64.StdEncoding.DecodeString(key)
	return err == nil && len(b) == 16
}

// upgrade checks the opening handshake (RFC 6455 section 4.2.1), answers
// 101 and hands back the hijacked connection with a reader that holds any
// bytes the client sent after its request. On a bad request it answers the
// client with an HTTP error and returns ok false.
func upgrade(w http.ResponseWriter, r *http.Request) (nc net.Conn, br *bufio.Reader, ok bool) {
	key := r.Header.Get("Sec-WebSocket-Key")
	switch {
	case r.Method != http.MethodGet:
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "websocket: method not allowed", http.StatusMethodNotAllowed)
		return nil, nil, false
	case !headerHas(r.Header, "Connection", "upgrade") || !headerHas(r.Header, "Upgrade", "websocket"):
		http.Error(w, "websocket: not a websocket handshake", http.StatusBadRequest)
		return nil, nil, false
	case r.Header.Get("Sec-WebSocket-Version") != "13":
		w.Header().Set("Sec-WebSocket-Version", "13")
		http.Error(w, "websocket: unsupported version", http.StatusUpgradeRequired)
		return nil, nil, false
	case !validKey(key):
		http.Error(w, "websocket: bad Sec-WebSocket-Key", http.StatusBadRequest)
		return nil, nil, false
	}
	hj, isHJ := w.(http.Hijacker)
	if !isHJ {
		http.Error(w, "websocket: connection cannot be hijacked", http.StatusInternalServerError)
		return nil, nil, false
	}
	nc, rw, err := hj.Hijack()
	if err != nil {
		return nil, nil, false
	}
	// net/http's own write buffer takes the 101 in one write.
	rw.Writer.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ")
	rw.Writer.WriteString(acceptKey(key))
	rw.Writer.WriteString("\r\n\r\n")
	if err := rw.Writer.Flush(); err != nil {
		nc.Close()
		return nil, nil, false
	}
	br = rw.Reader
	if br.Buffered() == 0 {
		// Read the socket directly, not through net/http's connection
		// reader; bytes a client sent ahead of the 101 stay where they are.
		br.Reset(nc)
	}
	return nc, br, true
}
