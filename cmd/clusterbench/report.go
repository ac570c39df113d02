package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"

	"github.com/wsbench/wsbench/loadgen/result"
)

// summary is a cell's one-line progress report.
func summary(r Row) string {
	if r.Result == nil {
		return "FAILED: " + r.Failure
	}
	s := fmt.Sprintf("to last subscriber p50 %s p99 %s µs, lost %d dup %d reordered %d (%.1fs)",
		num(r.Result.FanoutLastUS, false), num(r.Result.FanoutLastUS, true), r.Result.Lost, r.Result.Duplicated, r.Result.Reordered, r.WallS)
	if r.Failure != "" {
		s += " FAILED: " + r.Failure
	}
	return s
}

func num(l *result.Latency, p99 bool) string {
	if l == nil || l.Count == 0 {
		return "-"
	}
	if p99 {
		return fmt.Sprintf("%.0f", l.P99)
	}
	return fmt.Sprintf("%.0f", l.P50)
}

// stormSummary is a storm's one-line progress report.
func stormSummary(r StormRow) string {
	if r.Result == nil {
		return "FAILED: " + r.Failure
	}
	s := fmt.Sprintf("all receiving again after %.3fs, %.0f handshakes/s, lost %d dup %d reordered %d (%.1fs)",
		r.Result.RecoverS, r.Result.HandshakesPerSec, r.Result.Lost, r.Result.Duplicated, r.Result.Reordered, r.WallS)
	if r.Failure != "" {
		s += " FAILED: " + r.Failure
	}
	return s
}

// Summary is summary.json.
type Summary struct {
	Cells  []Row      `json:"cells"`
	Storms []StormRow `json:"storms"`
	Big    []BigRow   `json:"big"`
}

// writeReport writes summary.json, REPORT.md and environment.txt.
func writeReport(p *plan, rows []Row, storms []StormRow, bigs []BigRow) error {
	b, err := json.MarshalIndent(Summary{rows, storms, bigs}, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(p.dir, "summary.json"), append(b, '\n'), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(p.dir, "environment.txt"), []byte(environment(p)), 0o644); err != nil {
		return err
	}
	var md strings.Builder
	fmt.Fprintf(&md, "# Broadcast on a cluster of nodes bridged by NATS\n\n")
	fmt.Fprintf(&md, "%d subscribers spread evenly over the nodes (subscriber i on node i mod n), one publisher on the first node at %g broadcasts/s, %v measured after %v of warm-up; broker: %s. Latencies in µs from HDR histograms; \"to last subscriber\" is per broadcast, from its intended send time to its receipt by the last subscriber; same-node and cross-node split the deliveries by where the subscriber was. CPU per message: the nodes' (all together) and the broker's CPU time while the load generator ran (dials and warm-up included), over the messages the nodes wrote meanwhile. CPU times are read in clock ticks (10 ms). With one node, the node still hands every broadcast to the broker (nobody receives it there). Processes are not pinned: on a small machine the nodes, the broker and the load generator share the CPUs.\n\n",
		p.subs, p.rate, p.duration, p.warmup, brokerName(p))
	md.WriteString("| library | nodes | sent | delivered | lost | dup | reordered | to last subscriber p50 / p99 (n) | same-node p50 / p99 | cross-node p50 / p99 | deliveries/s | nodes CPU µs/msg | broker CPU µs/msg | status |\n")
	md.WriteString("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n")
	for _, r := range rows {
		status := "ok"
		if r.Failure != "" {
			status = "FAILED: " + strings.ReplaceAll(r.Failure, "|", "/")
		}
		res := r.Result
		if res == nil {
			fmt.Fprintf(&md, "| %s | %d | | | | | | | | | | | | %s |\n", r.Lib, r.Nodes, status)
			continue
		}
		pair := func(l *result.Latency) string {
			if l == nil || l.Count == 0 {
				return "-"
			}
			return num(l, false) + " / " + num(l, true)
		}
		fan := pair(res.FanoutLastUS)
		if res.FanoutLastUS != nil {
			fan += fmt.Sprintf(" (%d)", res.FanoutLastUS.Count)
		}
		same, cross := pair(res.SameNodeUS), pair(res.CrossNodeUS)
		if res.Nodes == 0 { // one node: every delivery is same-node
			same, cross = pair(&res.LatencyUS), "-"
		}
		fmt.Fprintf(&md, "| %s | %d | %d | %d | %d | %d | %d | %s | %s | %s | %.0f | %.2f | %.2f | %s |\n",
			r.Lib, r.Nodes, res.Sent, res.Received, res.Lost, res.Duplicated, res.Reordered, fan, same, cross,
			res.MsgsPerSec, r.NodeCPUUSPerMsg, r.BrokerUSPerMsg, status)
	}
	if len(storms) > 0 {
		fmt.Fprintf(&md, "\n## Reconnect storm\n\nTwo nodes; the subscribers all connect to node B, the publisher (%g broadcasts/s, fewer where that would pass %g deliveries/s: see the rate column; each delivered to every subscriber) to node A. Once every subscriber has received a broadcast, node B is killed (SIGKILL) and its subscribers dial node A at once (at most 64 dials in progress). Recovery is from the kill until the last subscriber was connected again and had received a broadcast published after it reconnected (so it includes the wait for the next broadcast, up to one period of the rate); lost counts, over all subscribers, the broadcasts published while each was away (NATS core and the hubs keep nothing for an absent subscriber). Peak RSS is node A's, sampled every 50 ms.\n\n", p.stormRate, p.stormDeliveries)
		md.WriteString("| library | subscribers | rate (/s) | all connected (s) | all receiving (s) | handshakes/s | dials | lost | dup | reordered | node A peak RSS (MB) | status |\n")
		md.WriteString("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n")
		for _, r := range storms {
			status := "ok"
			if r.Failure != "" {
				status = "FAILED: " + strings.ReplaceAll(r.Failure, "|", "/")
			}
			if r.Result == nil {
				fmt.Fprintf(&md, "| %s | %d | %g | | | | | | | | | %s |\n", r.Lib, r.Conns, r.Rate, status)
				continue
			}
			s := r.Result
			fmt.Fprintf(&md, "| %s | %d | %.3g | %.3f | %.3f | %.0f | %d | %d | %d | %d | %.1f | %s |\n",
				r.Lib, r.Conns, r.Rate, s.ReconnectS, s.RecoverS, s.HandshakesPerSec, s.Dials, s.Lost, s.Duplicated, s.Reordered, float64(r.PeakRSSBytes)/1e6, status)
		}
	}
	writeBig(&md, p, bigs)
	md.WriteString("\nEach cell's load generator result (with its encoded histograms) is in cells/; summary.json has every figure of this table; log.txt has the processes' output.\n")
	return os.WriteFile(filepath.Join(p.dir, "REPORT.md"), []byte(md.String()), 0o644)
}

func brokerName(p *plan) string {
	if p.natsURL != "" {
		return "external, " + p.natsURL
	}
	return "nats-server " + natsserver.VERSION + " embedded in a process of its own"
}

// environment describes the machine and the code of the run.
func environment(p *plan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "date: %s\n", time.Now().UTC().Format(time.RFC3339))
	if out, err := exec.Command("git", "rev-parse", "HEAD").Output(); err == nil {
		fmt.Fprintf(&b, "commit: %s", out)
	}
	fmt.Fprintf(&b, "go: %s\ncpus: %d\n", runtime.Version(), runtime.NumCPU())
	if out, err := exec.Command("uname", "-sr").Output(); err == nil {
		fmt.Fprintf(&b, "kernel: %s", out)
	}
	if cpu, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(cpu), "\n") {
			if strings.HasPrefix(l, "model name") {
				fmt.Fprintf(&b, "cpu: %s\n", strings.TrimSpace(strings.SplitN(l, ":", 2)[1]))
				break
			}
		}
	}
	fmt.Fprintf(&b, "broker: %s\npinning: none\n", brokerName(p))
	return b.String()
}
