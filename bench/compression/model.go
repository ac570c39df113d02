// Package compression is what permessage-deflate costs and saves in a run:
// one model, built once from results.json's compression cells (those with
// a deflate mode), that the report's section "What compression costs", its
// finding and the deck's slide all render.
package compression

import (
	"cmp"
	"slices"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/record"
	"github.com/wsbench/wsbench/loadgen/payload"
	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/server"
)

// Off is the variant every other one is compared with.
const Off = string(server.DeflateOff)

// Workload is what the messages carry: a payload kind at a size.
type Workload struct {
	Kind payload.Kind `json:"kind"`
	Size int          `json:"size"`
}

// Row is one library in one variant on one workload. A ratio is against
// the same library off on the same workload; 0 means not measured (or
// failed: see Failed).
type Row struct {
	Lib      string   `json:"lib"`
	Variant  string   `json:"variant"`
	Workload Workload `json:"workload"`
	// Up and Down are the fixed-rate echo's bytes on the wire per byte of
	// payload: client to server and server to client.
	Up   float64 `json:"up,omitempty"`
	Down float64 `json:"down,omitempty"`
	// Broadcast is the same per delivery of a broadcast.
	Broadcast float64 `json:"broadcast,omitempty"`
	// CPU is the server's CPU µs per echoed message.
	CPU      float64 `json:"cpu_us,omitempty"`
	CPURatio float64 `json:"cpu_ratio,omitempty"`
	// P50 and P99 are the fixed-rate echo's round-trip latency, µs.
	P50      float64 `json:"p50_us,omitempty"`
	P99      float64 `json:"p99_us,omitempty"`
	P50Ratio float64 `json:"p50_ratio,omitempty"`
	P99Ratio float64 `json:"p99_ratio,omitempty"`
	// Throughput is closed-loop echo messages/s, where the run measured it.
	Throughput      float64 `json:"throughput,omitempty"`
	ThroughputRatio float64 `json:"throughput_ratio,omitempty"`
	// Failed names the scenarios whose cell failed: they give no number.
	Failed []config.Scenario `json:"failed,omitempty"`
}

// On reports whether r has the extension negotiated.
func (r Row) On() bool { return r.Variant != Off }

// Memory is a library's server memory per idle connection in one variant.
type Memory struct {
	Lib     string  `json:"lib"`
	Variant string  `json:"variant"`
	PerConn float64 `json:"per_conn_bytes,omitempty"`
	Ratio   float64 `json:"ratio,omitempty"`
	Failed  bool    `json:"failed,omitempty"`
}

// Unsupported is a library of the run without permessage-deflate, with
// what its feature table says.
type Unsupported struct {
	Lib  string `json:"lib"`
	Note string `json:"note"`
}

// Analysis is the model.
type Analysis struct {
	Workloads   []Workload    `json:"workloads"`
	Rows        []Row         `json:"rows"`
	Memory      []Memory      `json:"memory,omitempty"`
	Unsupported []Unsupported `json:"unsupported,omitempty"`
}

// Empty reports whether the run had no compression cell.
func (a *Analysis) Empty() bool { return len(a.Rows) == 0 }

// Build derives the analysis of run's compression cells; the libraries
// without permessage-deflate come from the registry's declarations.
func Build(run *record.Run) *Analysis {
	a := &Analysis{}
	rows := map[[3]string]*Row{}
	var order [][3]string
	row := func(c *record.Cell) *Row {
		w := Workload{Kind: c.PayloadKind, Size: c.PayloadBytes}
		if !slices.Contains(a.Workloads, w) {
			a.Workloads = append(a.Workloads, w)
		}
		k := [3]string{c.Lib, c.Deflate, string(w.Kind) + "/" + itoa(w.Size)}
		if rows[k] == nil {
			rows[k] = &Row{Lib: c.Lib, Variant: c.Deflate, Workload: w}
			order = append(order, k)
		}
		return rows[k]
	}
	libs := map[string]bool{}
	for i := range run.Cells {
		c := &run.Cells[i]
		if c.Deflate == "" {
			continue
		}
		libs[c.Lib] = true
		failed := c.Status == record.StatusFailed || c.Median == nil
		med := func(k string) float64 {
			if failed {
				return 0
			}
			return c.Median[k]
		}
		if c.Scenario == config.Connect {
			a.Memory = append(a.Memory, Memory{Lib: c.Lib, Variant: c.Deflate, PerConn: med(record.ServerRSSPerConn), Failed: failed})
			continue
		}
		r := row(c)
		if failed {
			r.Failed = append(r.Failed, c.Scenario)
			continue
		}
		up, down := wireRatios(c)
		switch c.Scenario {
		case config.EchoOpen:
			r.Up, r.Down = up, down
			r.CPU, r.P50, r.P99 = med(record.ServerCPUUSPerMsg), med(record.LatP50), med(record.LatP99)
		case config.Broadcast:
			r.Broadcast = down
		case config.EchoClosed:
			r.Throughput = med(record.MsgsPerSec)
		}
	}
	for _, k := range order {
		a.Rows = append(a.Rows, *rows[k])
	}
	a.compare()
	for _, l := range registry.All() {
		if (l.Proto == server.ProtoWS || l.Proto == server.ProtoSockJS) && !l.Deflate.Supported() && inRun(run, l.Name) && !libs[l.Name] {
			a.Unsupported = append(a.Unsupported, Unsupported{Lib: l.Name, Note: l.Features.Compression})
		}
	}
	return a
}

// compare fills the ratios against off.
func (a *Analysis) compare() {
	off := map[string]Row{}
	for _, r := range a.Rows {
		if !r.On() {
			off[r.Lib+"/"+string(r.Workload.Kind)+"/"+itoa(r.Workload.Size)] = r
		}
	}
	for i := range a.Rows {
		r := &a.Rows[i]
		o, ok := off[r.Lib+"/"+string(r.Workload.Kind)+"/"+itoa(r.Workload.Size)]
		if !ok {
			continue
		}
		r.CPURatio, r.P50Ratio, r.P99Ratio = ratio(r.CPU, o.CPU), ratio(r.P50, o.P50), ratio(r.P99, o.P99)
		r.ThroughputRatio = ratio(r.Throughput, o.Throughput)
	}
	mem := map[string]float64{}
	for _, m := range a.Memory {
		if m.Variant == Off {
			mem[m.Lib] = m.PerConn
		}
	}
	for i := range a.Memory {
		a.Memory[i].Ratio = ratio(a.Memory[i].PerConn, mem[a.Memory[i].Lib])
	}
	slices.SortStableFunc(a.Memory, func(x, y Memory) int { return cmp.Compare(x.Lib, y.Lib) })
}

// wireRatios are c's wire bytes per payload byte, client to server and
// server to client: the median over its trials of the load generator's
// own ratio (wire_ratio: wire and message bytes counted over the same
// interval, so a reply still in flight when it ends counts in neither),
// which it gives with the extension negotiated; else the wire bytes per
// message over the payload size (compression off, where a queue at the
// interval's end can skew it).
func wireRatios(c *record.Cell) (up, down float64) {
	var tx, rx []float64
	for _, t := range c.Trials {
		if t.Error != "" || t.Result == nil || t.Result.Failed || t.Result.WireRatio == nil {
			continue
		}
		if v := t.Result.WireRatio.TX; v > 0 {
			tx = append(tx, v)
		}
		if v := t.Result.WireRatio.RX; v > 0 {
			rx = append(rx, v)
		}
	}
	size := float64(c.PayloadBytes)
	up, down = ratio(c.Median[record.BytesTXPerMsg], size), ratio(c.Median[record.BytesRXPerMsg], size)
	if len(tx) > 0 {
		up = median(tx)
	}
	if len(rx) > 0 {
		down = median(rx)
	}
	return up, down
}

// inRun reports whether run measured lib.
func inRun(run *record.Run, lib string) bool {
	if slices.Contains(run.Environment.Matrix.Libs, lib) {
		return true
	}
	return slices.ContainsFunc(run.Cells, func(c record.Cell) bool { return c.Lib == lib })
}

// ratio is x/y, 0 when either is missing.
func ratio(x, y float64) float64 {
	if x <= 0 || y <= 0 {
		return 0
	}
	return x / y
}
