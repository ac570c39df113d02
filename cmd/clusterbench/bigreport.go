package main

import (
	"fmt"
	"strings"

	"github.com/wsbench/wsbench/loadgen/result"
)

// bigSummary is a many-connections cell's one-line progress report.
func bigSummary(r BigRow) string {
	s := fmt.Sprintf("%d held, to last subscriber p50 %s p99 %s µs, lost %d dup %d reordered %d (%.1fs)",
		r.Held, num(r.FanoutLastUS, false), num(r.FanoutLastUS, true), r.Lost, r.Duplicated, r.Reordered, r.WallS)
	if r.Failure != "" {
		s += " FAILED: " + r.Failure
	}
	return s
}

// writeBig writes the many-connections table.
func writeBig(md *strings.Builder, p *plan, bigs []BigRow) {
	if len(bigs) == 0 {
		return
	}
	b := p.big
	most := 0
	for _, n := range b.nodes {
		most = max(most, n)
	}
	fmt.Fprintf(md, "\n## %s connections\n\n", thousands(int64(most*b.perNode)))
	fmt.Fprintf(md, "%d nodes of one library with %s connections each (the per-process open-file limit of the machine is what keeps one process below about 20,000), bridged by the same broker; one load agent per node (a loadgen process of its own, `-agents`), each from its own source address (127.0.0.2 and on) so that neither client ports nor one process's descriptors limit it. Each agent holds %s connections to its node, one of them its publisher; the agents publish %g broadcasts/s between them, every broadcast goes to every subscriber of every node, %v measured after %v of warm-up, the agents' clocks started together (after 2s plus one per %g connections/s of dialing). The one-node row is the single-process figure, measured the same way. Every agent checks every delivery; lost is what the agents' subscribers did not receive of what all publishers sent in the measured interval. Time to the last subscriber is per broadcast, the largest latency over all agents' subscribers (each agent reports its largest per broadcast), in µs; the latency of all deliveries is the agents' HDR histograms merged exactly. Memory per connection is the processes' peak RSS (sampled every 200 ms) added up, over the connections held. CPU is over the agents' whole run (dials, wait, warm-up and drain included).\n\n",
		most, thousands(int64(b.perNode)), thousands(int64(b.perNode)), b.rate, b.duration, b.warmup, b.dialRate)
	md.WriteString("| library | nodes × conns | held | broadcasts | delivered | lost | dup | reordered | to last subscriber p50 / p99 (n) | latency p50 / p99 | RSS/conn nodes / broker / agents (KB) | CPU s nodes / broker / agents | status |\n")
	md.WriteString("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n")
	for _, r := range bigs {
		status := "ok"
		if r.Failure != "" {
			status = "FAILED: " + strings.ReplaceAll(r.Failure, "|", "/")
		}
		pair := func(l *result.Latency) string {
			if l == nil || l.Count == 0 {
				return "-"
			}
			return num(l, false) + " / " + num(l, true)
		}
		fan := pair(r.FanoutLastUS)
		if r.FanoutLastUS != nil {
			fan += fmt.Sprintf(" (%d)", r.FanoutLastUS.Count)
		}
		lat := "-"
		if r.Latency != nil {
			lat = pair(&r.Latency.LatencyUS)
		}
		fmt.Fprintf(md, "| %s | %d × %s | %s | %d | %d | %d | %d | %d | %s | %s | %.1f / %.2f / %.1f | %.1f / %.1f / %.1f | %s |\n",
			r.Lib, r.Nodes, thousands(int64(r.PerNode)), thousands(r.Held), r.Published, r.Delivered, r.Lost, r.Duplicated, r.Reordered,
			fan, lat, r.NodeRSSPerConn/1024, r.BrokerRSSPerConn/1024, r.AgentRSSPerConn/1024,
			r.NodeCPUSeconds, r.BrokerCPUSeconds, r.AgentCPUSeconds, status)
	}
}

// thousands writes n with commas (76000 -> 76,000).
func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
