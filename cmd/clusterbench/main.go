// Command clusterbench measures broadcast on a cluster of server nodes
// bridged by NATS (servers/cluster): for each library and each node count,
// it starts a broker (embedded nats-server, as a process of its own, unless
// -nats names an external one) and the nodes (cmd/servers -nats -node),
// then runs the load generator with the subscribers spread evenly over the
// nodes and the publisher on the first (loadgen -nodes). Each cell records
// the time to the last subscriber, same-node and cross-node delivery
// latency, lost, duplicated and reordered deliveries, and the CPU of the
// nodes and of the broker per delivered message.
//
//	go build -o bin/ ./cmd/servers ./cmd/loadgen ./cmd/clusterbench
//	bin/clusterbench -bin bin -results results/cluster
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/server"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// DefaultLibs are the libraries of a cluster run.
const DefaultLibs = "gorilla,gws,nbio,gobwas-epoll,coder,sockjs"

// plan is what one run measures.
type plan struct {
	bin       string // directory of the servers and loadgen binaries
	self      string // this binary (for the broker process)
	libs      []server.Library
	nodes     []int
	subs      int
	rate      float64
	duration  time.Duration
	warmup    time.Duration
	natsURL   string  // external broker, "" for our own
	storms    []int   // subscribers of each reconnect storm (none: no storm)
	stormRate float64 // broadcasts per second during a storm
	// stormDeliveries caps a storm's rate: at most this many deliveries
	// per second (rate x subscribers)
	stormDeliveries float64
	big             bigPlan // the many-connections cell (no libs: none)
	dir             string  // results directory of this run
}

// run is main without the process exit. Exit codes: 0 ok, 1 a cell
// failed, 2 usage.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("clusterbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	bin := fs.String("bin", "bin", "`directory` holding the servers and loadgen binaries")
	libs := fs.String("libs", DefaultLibs, "comma-separated `libraries`")
	nodes := fs.String("nodes", "1,2,4", "comma-separated node `counts`")
	subs := fs.Int("subs", 100, "broadcast subscribers in all, spread evenly over the nodes")
	rate := fs.Float64("rate", 100, "broadcasts per second (one publisher, on the first node)")
	duration := fs.Duration("duration", 3*time.Second, "measured interval of each cell")
	warmup := fs.Duration("warmup", time.Second, "warm-up of each cell, excluded")
	natsURL := fs.String("nats", "", "external NATS broker `URL` (default: start our own, embedded nats-server, as a separate process)")
	results := fs.String("results", "results/cluster", "parent `directory` of the run's directory (<date-host>)")
	stormFlag := fs.String("storm", "1000,19000", "comma-separated subscriber `counts` of the reconnect storms (2 nodes; the subscribers' node is killed and they move to the other); \"\" for none")
	stormRate := fs.Float64("storm-rate", 10, "broadcasts per second during a storm (every subscriber receives each: keep rate x subscribers within what one node delivers)")
	stormDeliveries := fs.Float64("storm-deliveries", 20000, "caps each storm's broadcast rate at this many `deliveries` per second (rate x subscribers), so that a large storm stays within what one node delivers")
	bigLibs := fs.String("big-libs", DefaultBigLibs, "comma-separated `libraries` of the many-connections cell (\"\": none)")
	bigNodes := fs.String("big-nodes", "1,4", "comma-separated node `counts` of the many-connections cells (1: the single-process figure beside them), one load agent per node (source address 127.0.0.2 and on)")
	bigPerNode := fs.Int("big-conns", 19000, "`connections` per node in the many-connections cell (one of them the agent's publisher); each node and each agent is one process under the open-file limit")
	bigRate := fs.Float64("big-rate", 1, "broadcasts per second in the many-connections cell, all agents together (each publishes its share)")
	bigDuration := fs.Duration("big-duration", 200*time.Second, "measured interval of the many-connections cell")
	bigWarmup := fs.Duration("big-warmup", 5*time.Second, "warm-up of the many-connections cell")
	bigDial := fs.Float64("big-dial-rate", 2000, "many-connections cell: the agents' clocks start together after 2s plus the connections over this `rate` per second (time allowed for dialing)")
	brokerAddr := fs.String("serve-broker", "", "internal: run only the broker on `HOST:PORT` (port 0: any)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "clusterbench: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *brokerAddr != "" {
		host, port, err := splitAddr(*brokerAddr)
		if err != nil {
			fmt.Fprintf(stderr, "clusterbench: -serve-broker: %v\n", err)
			return 2
		}
		return serveBroker(host, port, stderr)
	}
	p, err := makePlan(*bin, *libs, *nodes, *subs, *rate, *duration, *warmup, *natsURL)
	if err == nil {
		p.storms, err = counts("-storm", *stormFlag, 0)
		p.stormRate, p.stormDeliveries = *stormRate, *stormDeliveries
		if err == nil && (*stormRate <= 0 || *stormDeliveries <= 0) {
			err = errors.New("-storm-rate and -storm-deliveries must be positive")
		}
	}
	if err == nil {
		p.big, err = makeBigPlan(*bigLibs, *bigNodes, *bigPerNode, *bigRate, *bigDuration, *bigWarmup, *bigDial)
	}
	if err != nil {
		fmt.Fprintf(stderr, "clusterbench: %v\n", err)
		return 2
	}
	host, _ := os.Hostname()
	p.dir = filepath.Join(*results, time.Now().UTC().Format("2006-01-02T150405")+"-"+strings.ReplaceAll(host, "/", "_"))
	if err := os.MkdirAll(filepath.Join(p.dir, "cells"), 0o755); err != nil {
		fmt.Fprintf(stderr, "clusterbench: %v\n", err)
		return 1
	}
	rows, storms, bigs, err := p.runAll(stdout)
	if werr := writeReport(p, rows, storms, bigs); werr != nil {
		err = errors.Join(err, werr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "clusterbench: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "clusterbench: %s\n", p.dir)
	return 0
}

// DefaultBigLibs are the libraries of the many-connections cell: those
// that hold tens of thousands of connections on two cores.
const DefaultBigLibs = "gobwas-epoll"

// makeBigPlan checks the many-connections cell's flags.
func makeBigPlan(libs, nodes string, perNode int, rate float64, duration, warmup time.Duration, dialRate float64) (bigPlan, error) {
	b := bigPlan{perNode: perNode, rate: rate, duration: duration, warmup: warmup, dialRate: dialRate}
	for _, name := range strings.Split(libs, ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		l, ok := registry.Lookup(name)
		if !ok {
			return b, fmt.Errorf("-big-libs: unknown library %q; known: %s", name, strings.Join(registry.Names(), ", "))
		}
		if l.Proto == server.ProtoHTTP {
			return b, fmt.Errorf("-big-libs: %s speaks plain HTTP; the cluster cells are for ws, sockjs and tcp", l.Name)
		}
		b.libs = append(b.libs, l)
	}
	var err error
	if b.nodes, err = counts("-big-nodes", nodes, 0); err != nil {
		return b, err
	}
	for _, n := range b.nodes {
		if n > 253 {
			return b, fmt.Errorf("-big-nodes %d: want at most 253 (one source address 127.0.0.2.. per agent)", n)
		}
	}
	switch {
	case len(b.libs) > 0 && len(b.nodes) == 0:
		return b, errors.New("-big-nodes: no count")
	case perNode < 2:
		return b, fmt.Errorf("-big-conns %d: want at least 2 (a publisher and a subscriber)", perNode)
	case rate <= 0 || duration <= 0 || warmup < 0 || dialRate <= 0:
		return b, errors.New("-big-rate, -big-duration and -big-dial-rate must be positive, -big-warmup not negative")
	}
	return b, nil
}

// makePlan checks the flags.
func makePlan(bin, libs, nodes string, subs int, rate float64, duration, warmup time.Duration, natsURL string) (*plan, error) {
	p := &plan{bin: bin, subs: subs, rate: rate, duration: duration, warmup: warmup, natsURL: natsURL}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	p.self = self
	for _, name := range []string{"servers", "loadgen"} {
		if _, err := os.Stat(filepath.Join(bin, name)); err != nil {
			return nil, fmt.Errorf("-bin: %w (build them: go build -o %s/ ./cmd/servers ./cmd/loadgen)", err, bin)
		}
	}
	for _, name := range strings.Split(libs, ",") {
		l, ok := registry.Lookup(strings.TrimSpace(name))
		if !ok {
			return nil, fmt.Errorf("-libs: unknown library %q; known: %s", name, strings.Join(registry.Names(), ", "))
		}
		if l.Proto == server.ProtoHTTP {
			return nil, fmt.Errorf("-libs: %s speaks plain HTTP; the cluster cells are for ws, sockjs and tcp", l.Name)
		}
		p.libs = append(p.libs, l)
	}
	if p.nodes, err = counts("-nodes", nodes, 1); err != nil {
		return nil, err
	}
	maxNodes := 0
	for _, n := range p.nodes {
		maxNodes = max(maxNodes, n)
	}
	switch {
	case subs < maxNodes:
		return nil, fmt.Errorf("-subs %d: fewer subscribers than nodes (%d)", subs, maxNodes)
	case rate <= 0:
		return nil, errors.New("-rate must be positive")
	case duration <= 0 || warmup < 0:
		return nil, errors.New("-duration must be positive and -warmup not negative")
	}
	if natsURL != "" && !strings.HasPrefix(natsURL, "nats://") {
		return nil, fmt.Errorf("-nats %q: want nats://HOST:PORT", natsURL)
	}
	return p, nil
}

// counts parses a comma-separated list of counts; it must have at least
// min entries.
func counts(flag, list string, min int) ([]int, error) {
	var out []int
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%s: %q is not a count", flag, s)
		}
		out = append(out, n)
	}
	if len(out) < min {
		return nil, fmt.Errorf("%s: no count", flag)
	}
	return out, nil
}

func splitAddr(addr string) (string, int, error) {
	i := strings.LastIndexByte(addr, ':')
	if i < 0 {
		return "", 0, fmt.Errorf("%q is not HOST:PORT", addr)
	}
	port, err := strconv.Atoi(addr[i+1:])
	if err != nil || port < 0 {
		return "", 0, fmt.Errorf("%q is not HOST:PORT", addr)
	}
	return addr[:i], port, nil
}
