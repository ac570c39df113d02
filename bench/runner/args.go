package runner

import (
	"time"

	"github.com/wsbench/wsbench/bench/config"
)

// baseURL is the URL the load generator gets for a server on addr.
func baseURL(proto, addr string) string {
	switch proto {
	case "http", "tcp":
		return proto + "://" + addr
	}
	return "ws://" + addr
}

// LoadgenArgs are the load generator flags for one trial of c: the cell's
// configuration (config.Cell.Loadgen) as flags, and where to write the
// result. serverPID may be 0 (no server figures).
//
// serverCPUs is what the server may use, its CPU quota included (0: the
// CPUs of its affinity), for the verdict client-bound.
func LoadgenArgs(c config.Cell, addr string, serverPID int, serverCPUs float64, jsonPath string, timeout time.Duration) []string {
	lc := c.Loadgen()
	lc.ServerCPUs = serverCPUs
	lc.URL = baseURL(c.Proto, addr)
	lc.ServerPID = serverPID
	lc.Timeout = timeout
	return append(lc.Args(), "-json", jsonPath)
}
