package wire

import (
	"bufio"
	"bytes"
	"strings"
)

// header is a parsed response header for the handshakes (allocating; the
// HTTP client's steady state uses its own parser).
type header map[string][]string

func (h header) get(name string) string {
	if v := h[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// has reports whether a comma-separated header holds token (any case).
func (h header) has(name, token string) bool {
	for _, v := range h[name] {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// readHead reads a status line and header lines. Names are lower-cased.
func readHead(br *bufio.Reader) (int, header, error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return 0, nil, err
	}
	status, ok := parseStatus(line)
	if !ok {
		return 0, nil, protoErr("bad status line %q", firstLine(line))
	}
	h := header{}
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return 0, nil, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			return status, h, nil
		}
		i := bytes.IndexByte(line, ':')
		if i <= 0 {
			return 0, nil, protoErr("bad header line %q", line)
		}
		name := strings.ToLower(string(bytes.TrimSpace(line[:i])))
		h[name] = append(h[name], string(bytes.TrimSpace(line[i+1:])))
	}
}

// parseStatus reads the code of "HTTP/1.x NNN ...".
func parseStatus(line []byte) (int, bool) {
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
		return 0, false
	}
	code := 0
	for _, c := range line[9:12] {
		if c < '0' || c > '9' {
			return 0, false
		}
		code = code*10 + int(c-'0')
	}
	return code, true
}
