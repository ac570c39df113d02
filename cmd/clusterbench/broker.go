package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/wsbench/wsbench/servers/cluster"
)

// brokerMarker precedes the broker's URL on its stderr.
const brokerMarker = "broker listening on "

// serveBroker runs the embedded NATS server (nats-server/v2, the version
// in go.mod) on addr until SIGTERM or SIGINT: clusterbench runs it as a
// process of its own so that its CPU is measured apart from the nodes.
func serveBroker(host string, port int, stderr io.Writer) int {
	ns, err := cluster.StartBroker(host, port)
	if err != nil {
		fmt.Fprintf(stderr, "clusterbench: %v\n", err)
		return 1
	}
	defer ns.Shutdown()
	fmt.Fprintf(stderr, "%s%s\n", brokerMarker, ns.ClientURL())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	return 0
}
