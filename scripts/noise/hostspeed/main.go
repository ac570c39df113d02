// Command hostspeed measures how fast the CPU it runs on is, over time: it
// times a fixed piece of work (integer arithmetic and random reads and
// writes in 2 MiB) every interval and prints one line per sample, the
// work's wall time and the thread's CPU time in microseconds. Run it
// pinned to one CPU of an otherwise idle machine (taskset -c N); on a
// dedicated CPU the two times agree, and their changes are the host's:
// another tenant on the same physical core, a frequency change.
//
//	hostspeed [-for 30s] [-every 100ms]
//
// It writes a summary line to stderr: samples, the 10th percentile (the
// fast state), the median, the 90th percentile and the slowest, and the
// share of samples more than 25% slower than the 10th percentile (the
// time spent in a slow state). Exit 2 on bad usage.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"time"

	"golang.org/x/sys/unix"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hostspeed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	total := fs.Duration("for", 30*time.Second, "how long to sample")
	every := fs.Duration("every", 100*time.Millisecond, "time between samples")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 || *total <= 0 || *every <= 0 {
		fmt.Fprintln(stderr, "usage: hostspeed [-for 30s] [-every 100ms]")
		return 2
	}
	runtime.LockOSThread()
	buf := make([]uint64, 1<<18) // 2 MiB
	work(buf)                    // fault the pages in
	var walls []float64
	end := time.Now().Add(*total)
	for time.Now().Before(end) {
		c0 := threadCPU()
		t0 := time.Now()
		work(buf)
		wall := time.Since(t0)
		cpu := threadCPU() - c0
		walls = append(walls, float64(wall.Microseconds()))
		fmt.Fprintf(stdout, "%d %d\n", wall.Microseconds(), cpu.Microseconds())
		time.Sleep(*every)
	}
	sort.Float64s(walls)
	p10 := walls[len(walls)/10]
	slow := 0
	for _, w := range walls {
		if w > 1.25*p10 {
			slow++
		}
	}
	fmt.Fprintf(stderr, "samples %d, p10 %.0f µs, median %.0f µs, p90 %.0f µs, slowest %.0f µs; %.0f%% of samples more than 25%% slower than p10\n",
		len(walls), p10, walls[len(walls)/2], walls[9*len(walls)/10], walls[len(walls)-1], 100*float64(slow)/float64(len(walls)))
	return 0
}

var sink uint64

// work is the fixed piece of work: a xorshift sequence that reads and
// writes buf at pseudo-random places.
func work(buf []uint64) {
	x := uint64(88172645463325252)
	for i := 0; i < 200000; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		buf[x%uint64(len(buf))] += x
	}
	sink += x
}

func threadCPU() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}
