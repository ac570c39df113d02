package cluster

import (
	"errors"
	"fmt"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"
)

// StartBroker starts an embedded NATS server listening on host:port (port
// 0: any free port) and waits until it accepts clients. Its client URL is
// ClientURL(); Shutdown stops it.
func StartBroker(host string, port int) (*natsserver.Server, error) {
	if port == 0 {
		port = natsserver.RANDOM_PORT
	}
	ns, err := natsserver.NewServer(&natsserver.Options{
		Host:   host,
		Port:   port,
		NoLog:  true,
		NoSigs: true,
		// Broadcast payloads are small; keep the default limits, but let
		// a node that falls behind be cut off later than the default.
		MaxPending: 256 << 20,
	})
	if err != nil {
		return nil, fmt.Errorf("cluster: broker: %w", err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		ns.Shutdown()
		return nil, errors.New("cluster: broker not ready after 10s")
	}
	return ns, nil
}
