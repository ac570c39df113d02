// Package haproxy puts server nodes behind HAProxy (the distribution's
// haproxy package): it writes the configuration and runs the process.
//
// SockJS keeps a session on the node that opened it, and its HTTP
// transports (xhr-streaming, xhr-polling...) spread one session over
// several requests; every request of the session carries the server-id
// segment of its URL (PREFIX/{server-id}/{session}/{transport}), which
// the client draws once per session. Routing by that segment sends all of
// a session's requests to one node; round-robin does not.
package haproxy

import (
	"fmt"
	"strings"
)

// Routing is how the frontend picks a node.
type Routing int

const (
	// ByServerID routes a SockJS request by the last digit of its
	// server-id segment (the second segment of the path): node i of n
	// takes the digits d with d mod n = i. Other requests (the info
	// request, a server-id that is not a number) go round-robin.
	ByServerID Routing = iota
	// RoundRobin sends each request to the next node in turn.
	RoundRobin
)

func (r Routing) String() string {
	if r == ByServerID {
		return "server-id"
	}
	return "round-robin"
}

// MaxNodes is the most nodes ByServerID can tell apart (one digit).
const MaxNodes = 10

// ServerID returns a SockJS server id that ByServerID routes to node i of
// n.
func ServerID(i, n int) string { return fmt.Sprintf("%03d", 100+i%n) }

// Config returns an HAProxy configuration whose frontend listens on
// listen (HOST:PORT) and routes HTTP requests to the nodes (HOST:PORT
// each). WebSocket upgrades pass through as tunnels.
func Config(listen string, nodes []string, r Routing) (string, error) {
	if len(nodes) == 0 || len(nodes) > MaxNodes {
		return "", fmt.Errorf("haproxy: %d nodes, want 1 to %d", len(nodes), MaxNodes)
	}
	var b strings.Builder
	// No global maxconn: haproxy derives it from its open-files limit.
	b.WriteString(`defaults
	mode http
	timeout connect 5s
	timeout client 60s
	timeout server 60s
	timeout tunnel 1h

`)
	fmt.Fprintf(&b, "frontend sockjs\n\tbind %s\n", listen)
	if r == ByServerID {
		for i := range nodes {
			var digits strings.Builder
			for d := i; d < 10; d += len(nodes) {
				fmt.Fprintf(&digits, "%d", d)
			}
			fmt.Fprintf(&b, "\tacl node%d path,field(3,/) -m reg ^[0-9]*[%s]$\n", i, digits.String())
			fmt.Fprintf(&b, "\tuse_backend node%d if node%d\n", i, i)
		}
	}
	b.WriteString("\tdefault_backend all\n\n")
	if r == ByServerID {
		for i, addr := range nodes {
			fmt.Fprintf(&b, "backend node%d\n\tserver n%d %s\n\n", i, i, addr)
		}
	}
	b.WriteString("backend all\n\tbalance roundrobin\n")
	for i, addr := range nodes {
		fmt.Fprintf(&b, "\tserver n%d %s\n", i, addr)
	}
	return b.String(), nil
}
