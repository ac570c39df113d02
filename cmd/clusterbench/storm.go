package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"syscall"
	"time"

	"github.com/wsbench/wsbench/loadgen/procstat"
	"github.com/wsbench/wsbench/loadgen/storm"
	"github.com/wsbench/wsbench/loadgen/wire"
	"github.com/wsbench/wsbench/servers/server"
)

// StormRow is one reconnect storm (summary.json): conns subscribers of
// node B, which is killed; they dial node A, where the publisher is.
type StormRow struct {
	Lib    string        `json:"lib"`
	Conns  int           `json:"conns"`
	Rate   float64       `json:"rate"` // broadcasts per second (see stormRate)
	Result *storm.Result `json:"result,omitempty"`
	// PeakRSSBytes is node A's peak resident memory during the storm
	// (sampled every 50 ms).
	PeakRSSBytes int64   `json:"peak_rss_bytes"`
	WallS        float64 `json:"wall_s"`
	Failure      string  `json:"failure,omitempty"`
}

// stormRate is a storm's broadcast rate: rate, or less when rate x conns
// would pass deliveries per second.
func stormRate(rate, deliveries float64, conns int) float64 {
	return min(rate, deliveries/float64(conns))
}

// runStorm measures one storm of lib at conns subscribers.
func (p *plan) runStorm(lib server.Library, conns int, natsURL string, log io.Writer) StormRow {
	row := StormRow{Lib: lib.Name, Conns: conns, Rate: stormRate(p.stormRate, p.stormDeliveries, conns)}
	fail := func(err error) StormRow { row.Failure = err.Error(); return row }
	var nodes []*child
	defer func() {
		for _, c := range nodes {
			c.stop()
		}
	}()
	for i := range 2 {
		name := fmt.Sprintf("%s-storm%d-%d", lib.Name, conns, i)
		c, err := startChild(name, filepath.Join(p.bin, "servers"),
			[]string{"-lib", lib.Name, "-addr", "127.0.0.1:0", "-nats", natsURL, "-node", name}, "listening on ", log)
		if err != nil {
			return fail(err)
		}
		nodes = append(nodes, c)
	}
	a, b := nodes[0], nodes[1]
	procA, err := procstat.Open(a.cmd.Process.Pid)
	if err != nil {
		return fail(err)
	}
	scheme := "ws"
	if lib.Proto == server.ProtoTCP {
		scheme = "tcp"
	}
	target, err := wire.ParseURL(scheme+"://"+a.addr, wire.Proto(lib.Proto))
	if err != nil {
		return fail(err)
	}
	mon := procstat.Watch(procA, 50*time.Millisecond)
	defer mon.Stop()
	res, err := storm.Run(context.Background(), storm.Config{
		Target: target, From: b.addr, To: a.addr, Publisher: a.addr,
		Conns: conns, Rate: row.Rate, Timeout: 2 * time.Minute,
		Drop: func() error {
			fmt.Fprintf(log, "%s: killed (storm)\n", b.name)
			return b.cmd.Process.Signal(syscall.SIGKILL)
		},
	})
	if err != nil {
		return fail(err)
	}
	row.Result = res
	if row.PeakRSSBytes, err = mon.Peak(); err != nil {
		return fail(err)
	}
	if res.Duplicated+res.Reordered > 0 {
		row.Failure = fmt.Sprintf("%d duplicated, %d reordered", res.Duplicated, res.Reordered)
	}
	return row
}
