// Command refclient is an independent closed-loop echo client built on
// gorilla/websocket's own client side, written the way an ordinary Go
// program would be: one goroutine per connection that writes its window of
// messages, then answers every echo with a new message. It shares no code
// with the load generator. It exists to check that the load generator's
// closed loop serves connections the way an ordinary client does: run both
// against the same server with the same pinning and compare the
// per-connection spread (Jain's index) and the latency shape.
//
//	taskset -c 1 go run ./scripts/refclient -url ws://127.0.0.1:8080/echo -conns 1000 -window 4 -size 1024
package main

import (
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	"github.com/gorilla/websocket"
)

type report struct {
	Conns      int                `json:"conns"`
	Window     int                `json:"window"`
	Size       int                `json:"size"`
	DurationS  float64            `json:"duration_s"`
	MsgsPerSec float64            `json:"msgs_per_sec"`
	LatencyUS  map[string]float64 `json:"latency_us"`
	Under1ms   float64            `json:"share_under_1ms"`
	PerConn    map[string]float64 `json:"per_conn"`
}

func main() {
	url := flag.String("url", "", "echo endpoint, ws://HOST:PORT/echo")
	conns := flag.Int("conns", 1000, "connections")
	window := flag.Int("window", 4, "messages in flight per connection")
	size := flag.Int("size", 1024, "message size in bytes (at least 8)")
	warmup := flag.Duration("warmup", time.Second, "load before the measured interval")
	duration := flag.Duration("duration", 3*time.Second, "measured interval")
	flag.Parse()
	if *url == "" || *conns < 1 || *window < 1 || *size < 8 || *duration <= 0 {
		fmt.Fprintln(os.Stderr, "usage: refclient -url ws://HOST:PORT/echo [-conns N] [-window W] [-size B] [-warmup D] [-duration D]")
		os.Exit(2)
	}
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second, ReadBufferSize: 4096, WriteBufferSize: *size + 64}
	cs := make([]*websocket.Conn, *conns)
	for i := range cs {
		c, _, err := d.Dial(*url, nil)
		if err != nil {
			fmt.Fprintf(os.Stderr, "refclient: dial %d: %v\n", i, err)
			os.Exit(1)
		}
		cs[i] = c
	}
	epoch := time.Now()
	t0 := int64(*warmup)
	t1 := t0 + int64(*duration)
	end := epoch.Add(time.Duration(t1) + 5*time.Second)
	counts := make([]int64, *conns)
	var mu sync.Mutex
	hist := hdrhistogram.New(1, 3_600_000_000, 3)
	var failed atomic.Int64
	var wg sync.WaitGroup
	for i, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.Close()
			_ = c.SetReadDeadline(end)
			_ = c.SetWriteDeadline(end)
			local := hdrhistogram.New(1, 3_600_000_000, 3)
			msg := make([]byte, *size)
			send := func() bool {
				binary.LittleEndian.PutUint64(msg, uint64(time.Since(epoch)))
				return c.WriteMessage(websocket.BinaryMessage, msg) == nil
			}
			inflight := 0
			for ; inflight < *window; inflight++ {
				if !send() {
					failed.Add(1)
					return
				}
			}
			for inflight > 0 {
				_, p, err := c.ReadMessage()
				if err != nil || len(p) < 8 {
					failed.Add(1)
					return
				}
				inflight--
				now := int64(time.Since(epoch))
				sent := int64(binary.LittleEndian.Uint64(p))
				if sent >= t0 && sent < t1 {
					counts[i]++
					_ = local.RecordValue(max((now-sent)/1000, 1))
				}
				if now < t1 {
					if !send() {
						failed.Add(1)
						return
					}
					inflight++
				}
			}
			mu.Lock()
			hist.Merge(local)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if n := failed.Load(); n > 0 {
		fmt.Fprintf(os.Stderr, "refclient: %d connections failed\n", n)
		os.Exit(1)
	}
	secs := duration.Seconds()
	var total int64
	xs := make([]float64, len(counts))
	for i, n := range counts {
		total += n
		xs[i] = float64(n) / secs
	}
	sort.Float64s(xs)
	var sum, sq float64
	for _, x := range xs {
		sum += x
		sq += x * x
	}
	q := func(f float64) float64 { return xs[int(f*float64(len(xs)-1)+0.5)] }
	rep := report{
		Conns: *conns, Window: *window, Size: *size, DurationS: secs,
		MsgsPerSec: float64(total) / secs,
		LatencyUS: map[string]float64{
			"p50": float64(hist.ValueAtQuantile(50)), "p90": float64(hist.ValueAtQuantile(90)),
			"p99": float64(hist.ValueAtQuantile(99)), "max": float64(hist.Max()),
		},
		Under1ms: cdf(hist, 1000),
		PerConn:  map[string]float64{"min": xs[0], "p1": q(0.01), "p50": q(0.5), "p99": q(0.99), "max": xs[len(xs)-1], "jain": sum * sum / (float64(len(xs)) * sq)},
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(rep)
}

// cdf is the share of samples at or below v.
func cdf(h *hdrhistogram.Histogram, v int64) float64 {
	var below int64
	for _, b := range h.Distribution() {
		if b.To <= v {
			below += b.Count
		}
	}
	if h.TotalCount() == 0 {
		return math.NaN()
	}
	return float64(below) / float64(h.TotalCount())
}
