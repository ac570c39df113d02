package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/wsbench/wsbench/loadgen/procstat"
	"github.com/wsbench/wsbench/loadgen/result"
	"github.com/wsbench/wsbench/servers/server"
)

// Row is one cell of the run (summary.json).
type Row struct {
	Lib   string `json:"lib"`
	Nodes int    `json:"nodes"`
	// Result is the load generator's result (loadgen -json).
	Result *result.Result `json:"result,omitempty"`
	// NodeCPUSeconds and BrokerCPUSeconds are the CPU time the nodes (all
	// together) and the broker used while the load generator ran;
	// NodeMsgsOut is what the nodes wrote meanwhile (their /stats
	// msgs_out: every delivery, the publisher's own copy included), the
	// denominator of the per-message figures. The broker's figure is 0
	// with an external broker.
	NodeCPUSeconds   float64 `json:"node_cpu_s"`
	BrokerCPUSeconds float64 `json:"broker_cpu_s"`
	NodeMsgsOut      int64   `json:"node_msgs_out"`
	NodeCPUUSPerMsg  float64 `json:"node_cpu_us_per_msg"`
	BrokerUSPerMsg   float64 `json:"broker_cpu_us_per_msg"`
	WallS            float64 `json:"wall_s"`
	Failure          string  `json:"failure,omitempty"`
}

// runAll measures every cell; a failed cell is recorded and the run goes
// on.
func (p *plan) runAll(stdout io.Writer) ([]Row, []StormRow, []BigRow, error) {
	logf, err := os.Create(filepath.Join(p.dir, "log.txt"))
	if err != nil {
		return nil, nil, nil, err
	}
	defer logf.Close()
	url := p.natsURL
	var broker *procstat.Proc
	if url == "" {
		b, err := startChild("broker", p.self, []string{"-serve-broker", "127.0.0.1:0"}, brokerMarker, logf)
		if err != nil {
			return nil, nil, nil, err
		}
		defer b.stop()
		url = b.addr
		if broker, err = procstat.Open(b.cmd.Process.Pid); err != nil {
			return nil, nil, nil, err
		}
	}
	var rows []Row
	var errs []error
	for _, lib := range p.libs {
		for _, n := range p.nodes {
			t0 := time.Now()
			row := p.runCell(lib, n, url, broker, logf)
			row.WallS = time.Since(t0).Seconds()
			if row.Failure != "" {
				errs = append(errs, fmt.Errorf("%s on %d nodes: %s", lib.Name, n, row.Failure))
			}
			rows = append(rows, row)
			fmt.Fprintf(stdout, "%-12s %d node(s): %s\n", lib.Name, n, summary(row))
		}
	}
	var storms []StormRow
	for _, lib := range p.libs {
		for _, n := range p.storms {
			t0 := time.Now()
			row := p.runStorm(lib, n, url, logf)
			row.WallS = time.Since(t0).Seconds()
			if row.Failure != "" {
				errs = append(errs, fmt.Errorf("%s storm of %d: %s", lib.Name, n, row.Failure))
			}
			storms = append(storms, row)
			fmt.Fprintf(stdout, "%-12s storm of %d: %s\n", lib.Name, n, stormSummary(row))
		}
	}
	var bigs []BigRow
	for _, lib := range p.big.libs {
		for _, n := range p.big.nodes {
			t0 := time.Now()
			row := p.runBig(lib, n, url, broker, logf)
			row.WallS = time.Since(t0).Seconds()
			if row.Failure != "" {
				errs = append(errs, fmt.Errorf("%s on %d nodes x %d connections: %s", lib.Name, row.Nodes, row.PerNode, row.Failure))
			}
			bigs = append(bigs, row)
			fmt.Fprintf(stdout, "%-12s %d x %d connections: %s\n", lib.Name, row.Nodes, row.PerNode, bigSummary(row))
		}
	}
	return rows, storms, bigs, errors.Join(errs...)
}

// runCell measures lib on n nodes.
func (p *plan) runCell(lib server.Library, n int, natsURL string, broker *procstat.Proc, log io.Writer) Row {
	row := Row{Lib: lib.Name, Nodes: n}
	fail := func(err error) Row { row.Failure = err.Error(); return row }
	var nodes []*child
	defer func() {
		for _, c := range nodes {
			c.stop()
		}
	}()
	var procs []*procstat.Proc
	for i := range n {
		name := fmt.Sprintf("%s-%d-%d", lib.Name, n, i)
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
	}
	cpu0, out0, err := readNodes(procs, nodes)
	if err != nil {
		return fail(err)
	}
	b0 := brokerCPU(broker)

	jsonPath := filepath.Join(p.dir, "cells", fmt.Sprintf("%s-%dnodes.json", lib.Name, n))
	scheme := "ws"
	if lib.Proto == server.ProtoTCP {
		scheme = "tcp"
	}
	var others []string
	for _, c := range nodes[1:] {
		others = append(others, c.addr)
	}
	args := []string{
		"-url", scheme + "://" + nodes[0].addr, "-proto", string(lib.Proto), "-scenario", "broadcast",
		"-conns", strconv.Itoa(p.subs), "-publishers", "1", "-rate", strconv.FormatFloat(p.rate, 'g', -1, 64),
		"-duration", p.duration.String(), "-warmup", p.warmup.String(),
		"-server-pid", strconv.Itoa(nodes[0].cmd.Process.Pid), "-hist", "-json", jsonPath,
	}
	if len(others) > 0 {
		args = append(args, "-nodes", strings.Join(others, ","))
	}
	fmt.Fprintf(log, "loadgen %s\n", strings.Join(args, " "))
	lg := exec.Command(filepath.Join(p.bin, "loadgen"), args...)
	lg.Stdout, lg.Stderr = log, log
	runErr := lg.Run()

	cpu1, out1, err := readNodes(procs, nodes)
	if err != nil {
		return fail(err)
	}
	row.NodeCPUSeconds = cpu1 - cpu0
	row.BrokerCPUSeconds = brokerCPU(broker) - b0
	row.NodeMsgsOut = out1 - out0
	if row.NodeMsgsOut > 0 {
		row.NodeCPUUSPerMsg = round(row.NodeCPUSeconds * 1e6 / float64(row.NodeMsgsOut))
		row.BrokerUSPerMsg = round(row.BrokerCPUSeconds * 1e6 / float64(row.NodeMsgsOut))
	}
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		return fail(fmt.Errorf("loadgen: %w (exit: %v)", err, runErr))
	}
	row.Result = new(result.Result)
	if err := json.Unmarshal(b, row.Result); err != nil {
		return fail(fmt.Errorf("loadgen result: %w", err))
	}
	switch r := row.Result; {
	case r.Failed:
		row.Failure = "loadgen: " + r.Failure
	case r.Lost+r.Duplicated+r.Reordered+r.Corrupt > 0:
		row.Failure = fmt.Sprintf("deliveries: %d lost, %d duplicated, %d reordered, %d corrupt", r.Lost, r.Duplicated, r.Reordered, r.Corrupt)
	case runErr != nil:
		row.Failure = "loadgen: " + runErr.Error()
	}
	return row
}

// readNodes returns the nodes' CPU time in all and their msgs_out in all.
func readNodes(procs []*procstat.Proc, nodes []*child) (float64, int64, error) {
	var cpu float64
	var out int64
	cl := &http.Client{Timeout: 5 * time.Second}
	for i, pr := range procs {
		s, err := pr.Read()
		if err != nil {
			return 0, 0, err
		}
		cpu += s.CPU
		resp, err := cl.Get("http://" + nodes[i].addr + server.PathStats)
		if err != nil {
			return 0, 0, fmt.Errorf("node %s: %w", nodes[i].name, err)
		}
		var snap server.Snapshot
		err = json.NewDecoder(resp.Body).Decode(&snap)
		resp.Body.Close()
		if err != nil {
			return 0, 0, fmt.Errorf("node %s: /stats: %w", nodes[i].name, err)
		}
		out += snap.MsgsOut
	}
	return cpu, out, nil
}

// brokerCPU is the broker's CPU time so far (0 without our own broker or
// when it cannot be read).
func brokerCPU(p *procstat.Proc) float64 {
	if p == nil {
		return 0
	}
	s, err := p.Read()
	if err != nil {
		return 0
	}
	return s.CPU
}

func round(v float64) float64 { return float64(int64(v*1000+0.5)) / 1000 }
