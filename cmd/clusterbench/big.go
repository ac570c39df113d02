package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/wsbench/wsbench/loadgen/agents"
	"github.com/wsbench/wsbench/loadgen/histmerge"
	"github.com/wsbench/wsbench/loadgen/histo"
	"github.com/wsbench/wsbench/loadgen/payload"
	"github.com/wsbench/wsbench/loadgen/procstat"
	"github.com/wsbench/wsbench/loadgen/result"
	"github.com/wsbench/wsbench/servers/server"
)

// bigPlan is the many-connections cell: nodes nodes of one library with
// perNode connections each, one load agent per node (loadgen -agents),
// each from a source address of its own.
type bigPlan struct {
	libs     []server.Library
	nodes    []int         // node counts, one cell each
	perNode  int           // connections per node: perNode-1 subscribers and one publisher
	rate     float64       // broadcasts per second, all agents together
	duration time.Duration // measured
	warmup   time.Duration
	dialRate float64 // connections per second assumed for the dialing allowance
}

// dial is the time allowed for every agent to connect to n nodes before
// their shared start.
func (b *bigPlan) dial(n int) time.Duration {
	return 2*time.Second + time.Duration(float64(n*b.perNode)/b.dialRate*float64(time.Second))
}

// BigRow is one many-connections cell (summary.json).
type BigRow struct {
	Lib     string `json:"lib"`
	Nodes   int    `json:"nodes"`
	PerNode int    `json:"conns_per_node"`
	// Held is the connections the agents had open (subscribers and
	// publishers), all together.
	Held int64 `json:"held"`
	// Latency is the agents' results merged (histograms merged exactly);
	// Shared what they measured between them: every broadcast's time to
	// the last subscriber of all agents, and lost, duplicated and
	// reordered over all deliveries.
	Latency        *result.Result  `json:"latency,omitempty"`
	Shared         *agents.Shared  `json:"-"`
	FanoutLastUS   *result.Latency `json:"fanout_last_us,omitempty"`
	FanoutLastHist string          `json:"fanout_last_hist,omitempty"`
	Published      int64           `json:"published"`
	Expected       int64           `json:"expected"`
	Delivered      int64           `json:"delivered"`
	Lost           int64           `json:"lost"`
	Duplicated     int64           `json:"duplicated"`
	Reordered      int64           `json:"reordered"`
	Corrupt        int64           `json:"corrupt"`
	// Peak RSS (sampled every 200 ms) of each node, the broker (0 with an
	// external one) and each agent; per connection: the processes' peaks
	// added up, over Held.
	NodeRSSPeakBytes   []int64 `json:"node_rss_peak_bytes"`
	BrokerRSSPeakBytes int64   `json:"broker_rss_peak_bytes"`
	AgentRSSPeakBytes  []int64 `json:"agent_rss_peak_bytes"`
	NodeRSSPerConn     float64 `json:"node_rss_per_conn_bytes"`
	BrokerRSSPerConn   float64 `json:"broker_rss_per_conn_bytes"`
	AgentRSSPerConn    float64 `json:"agent_rss_per_conn_bytes"`
	// CPU seconds while the agents ran (dials, wait for the start,
	// warm-up and drain included) of the nodes, the broker and the agents.
	NodeCPUSeconds   float64 `json:"node_cpu_s"`
	BrokerCPUSeconds float64 `json:"broker_cpu_s"`
	AgentCPUSeconds  float64 `json:"agent_cpu_s"`
	AgentsWallS      float64 `json:"agents_wall_s"`
	WallS            float64 `json:"wall_s"`
	Failure          string  `json:"failure,omitempty"`
}

// sourceAddr is agent i's source address: 127.0.0.2 and on (127.0.0.1
// stays the nodes' and the broker's).
func sourceAddr(i int) string { return fmt.Sprintf("127.0.0.%d", i+2) }

// agentArgs are agent i's loadgen flags.
func (b *bigPlan) agentArgs(lib server.Library, n, i int, node string, startAt int64, runID int, jsonPath string) []string {
	scheme := "ws"
	if lib.Proto == server.ProtoTCP {
		scheme = "tcp"
	}
	timeout := b.dial(n) + b.warmup + b.duration + bigDrain + time.Minute
	return []string{
		"-url", scheme + "://" + node, "-proto", string(lib.Proto), "-scenario", "broadcast",
		"-conns", strconv.Itoa(b.perNode - 1), "-publishers", "1",
		"-rate", strconv.FormatFloat(b.rate/float64(n), 'g', -1, 64),
		"-duration", b.duration.String(), "-warmup", b.warmup.String(), "-drain", bigDrain.String(),
		"-agents", strconv.Itoa(n), "-agent", strconv.Itoa(i),
		"-start-at", strconv.FormatInt(startAt, 10), "-run-id", strconv.Itoa(runID),
		"-source-addr", sourceAddr(i), "-timeout", timeout.String(), "-hist", "-json", jsonPath,
	}
}

// bigDrain is how long the agents wait for late deliveries.
const bigDrain = 15 * time.Second

// runBig measures lib's many-connections cell.
func (p *plan) runBig(lib server.Library, nNodes int, natsURL string, broker *procstat.Proc, log io.Writer) BigRow {
	b := &p.big
	row := BigRow{Lib: lib.Name, Nodes: nNodes, PerNode: b.perNode}
	fail := func(err error) BigRow { row.Failure = err.Error(); return row }
	var nodes []*child
	var mons []*procstat.Monitor
	defer func() {
		for _, m := range mons {
			m.Stop()
		}
		for _, c := range nodes {
			c.stop()
		}
	}()
	var procs []*procstat.Proc
	var nodeMons []*procstat.Monitor
	for i := range nNodes {
		name := fmt.Sprintf("%s-big%d-%d", lib.Name, nNodes, i)
		c, err := startChild(name, filepath.Join(p.bin, "servers"),
			[]string{"-lib", lib.Name, "-addr", "127.0.0.1:0", "-nats", natsURL, "-node", name}, "listening on ", log)
		if err != nil {
			return fail(err)
		}
		nodes = append(nodes, c)
		pr, err := procstat.Open(c.cmd.Process.Pid)
		if err != nil {
			return fail(err)
		}
		procs = append(procs, pr)
		m := procstat.Watch(pr, 200*time.Millisecond)
		mons, nodeMons = append(mons, m), append(nodeMons, m)
	}
	var brokerMon *procstat.Monitor
	if broker != nil {
		brokerMon = procstat.Watch(broker, 200*time.Millisecond)
		mons = append(mons, brokerMon)
	}
	cpu0, _, err := readNodes(procs, nodes)
	if err != nil {
		return fail(err)
	}
	b0 := brokerCPU(broker)

	startAt := time.Now().Add(b.dial(nNodes)).UnixMilli()
	runID := 1 + rand.IntN(payload.MaxRun)
	var cmds []*exec.Cmd
	var paths []string
	var agentMons []*procstat.Monitor
	t0 := time.Now()
	for i, n := range nodes {
		path := filepath.Join(p.dir, "cells", fmt.Sprintf("%s-%dx%d-agent%d.json", lib.Name, nNodes, b.perNode, i))
		args := b.agentArgs(lib, nNodes, i, n.addr, startAt, runID, path)
		fmt.Fprintf(log, "loadgen %s\n", strings.Join(args, " "))
		cmd := exec.Command(filepath.Join(p.bin, "loadgen"), args...)
		cmd.Stdout, cmd.Stderr = log, log
		if err := cmd.Start(); err != nil {
			killAll(cmds)
			waitAll(cmds, time.Minute)
			return fail(fmt.Errorf("agent %d: %w", i, err))
		}
		cmds, paths = append(cmds, cmd), append(paths, path)
		if pr, err := procstat.Open(cmd.Process.Pid); err == nil {
			m := procstat.Watch(pr, 200*time.Millisecond)
			mons, agentMons = append(mons, m), append(agentMons, m)
		}
	}
	// Each agent has its own -timeout; this deadline only covers an
	// agent that does not keep it.
	runErrs := waitAll(cmds, b.dial(nNodes)+b.warmup+b.duration+bigDrain+2*time.Minute)
	row.AgentsWallS = time.Since(t0).Seconds()
	for _, c := range cmds {
		if c.ProcessState != nil {
			row.AgentCPUSeconds += (c.ProcessState.UserTime() + c.ProcessState.SystemTime()).Seconds()
		}
	}
	cpu1, _, err := readNodes(procs, nodes)
	if err != nil {
		return fail(err)
	}
	row.NodeCPUSeconds = round(cpu1 - cpu0)
	row.BrokerCPUSeconds = round(brokerCPU(broker) - b0)
	for _, m := range nodeMons {
		v, _ := m.Peak()
		row.NodeRSSPeakBytes = append(row.NodeRSSPeakBytes, v)
	}
	for _, m := range agentMons {
		v, _ := m.Peak()
		row.AgentRSSPeakBytes = append(row.AgentRSSPeakBytes, v)
	}
	if brokerMon != nil {
		row.BrokerRSSPeakBytes, _ = brokerMon.Peak()
	}

	var rs []*result.Result
	for i, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			return fail(fmt.Errorf("agent %d: %w (exit: %v)", i, err, runErrs[i]))
		}
		r := new(result.Result)
		if err := json.Unmarshal(data, r); err != nil {
			return fail(fmt.Errorf("agent %d result: %w", i, err))
		}
		rs = append(rs, r)
		row.Held += r.Connected
	}
	if row.Held > 0 {
		per := func(vs ...int64) float64 {
			var sum int64
			for _, v := range vs {
				sum += v
			}
			return round(float64(sum) / float64(row.Held))
		}
		row.NodeRSSPerConn = per(row.NodeRSSPeakBytes...)
		row.BrokerRSSPerConn = per(row.BrokerRSSPeakBytes)
		row.AgentRSSPerConn = per(row.AgentRSSPeakBytes...)
	}
	if row.Latency, err = agents.Merge(rs); err != nil {
		return fail(err)
	}
	sh, err := agents.CombineShared(rs)
	if err != nil {
		return fail(err)
	}
	row.Shared = sh
	row.Published, row.Expected, row.Delivered = sh.Published, sh.Expected, sh.Delivered
	row.Lost, row.Duplicated, row.Reordered, row.Corrupt = sh.Lost, sh.Duplicated, sh.Reordered, sh.Corrupt
	if sh.FanoutLast.TotalCount() > 0 {
		l := histo.Summary(sh.FanoutLast)
		row.FanoutLastUS = &l
		if row.FanoutLastHist, err = histmerge.Encode(sh.FanoutLast); err != nil {
			return fail(err)
		}
	}
	want := int64(nNodes * b.perNode)
	switch {
	case row.Latency.Failed:
		row.Failure = "agents: " + row.Latency.Failure
	case errors.Join(runErrs...) != nil:
		row.Failure = "agents: " + errors.Join(runErrs...).Error()
	case row.Held != want:
		row.Failure = fmt.Sprintf("%d connections held, want %d", row.Held, want)
	case row.Lost+row.Duplicated+row.Reordered+row.Corrupt > 0:
		row.Failure = fmt.Sprintf("deliveries: %d lost, %d duplicated, %d reordered, %d corrupt", row.Lost, row.Duplicated, row.Reordered, row.Corrupt)
	}
	return row
}

// waitAll waits for every command until deadline, then kills those still
// running; it reaps them all and returns each one's error.
func waitAll(cmds []*exec.Cmd, deadline time.Duration) []error {
	errs := make([]error, len(cmds))
	done := make(chan int, len(cmds))
	for i, c := range cmds {
		go func() { errs[i] = c.Wait(); done <- i }()
	}
	timer := time.NewTimer(deadline)
	defer timer.Stop()
	for left := len(cmds); left > 0; left-- {
		select {
		case <-done:
		case <-timer.C:
			killAll(cmds)
			for ; left > 0; left-- {
				<-done
			}
			return errs
		}
	}
	return errs
}

// killAll kills the commands (an exited one is left alone by os.Process;
// their waiter reaps them).
func killAll(cmds []*exec.Cmd) {
	for _, c := range cmds {
		_ = c.Process.Signal(syscall.SIGKILL)
	}
}
