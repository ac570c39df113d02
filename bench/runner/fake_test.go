package runner

import (
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/wsbench/wsbench/bench/fixture"
	"github.com/wsbench/wsbench/loadgen/result"
	"github.com/wsbench/wsbench/loadgen/scenario"
)

// The test binary doubles as a fake server and a fake load generator, so
// that the runner's process handling can be tested without the real ones.
//
//	test.binary fake-server -lib NAME -addr HOST:PORT
//	test.binary fake-loadgen <the load generator's flags>
//
// The fake server's behaviour follows its library name: "crash" exits 3
// shortly after it is healthy, "nostart" exits 1 at once, "stubborn"
// ignores SIGTERM; anything else serves /healthz until SIGTERM. The fake
// load generator follows BENCH_FAKE_LOADGEN: "hang" never ends, "lost"
// reports lost messages, "usage" exits 2, "othervariant" reports a variant
// other than the one its flags select, "disturbed" reports other processes
// busy on its CPUs, "disturbed-once" does so on the first attempt of each
// trial only; otherwise it runs for warm-up +
// duration (or hold), watching the server like the real one, and writes a
// fixture result with the variant its flags select (the real load
// generator's -http-conn, -subscribe and -transport).
func fakeMain(args []string) bool {
	if len(args) == 0 {
		return false
	}
	switch args[0] {
	case "fake-server":
		os.Exit(fakeServer(args[1:]))
	case "fake-loadgen":
		os.Exit(fakeLoadgen(args[1:]))
	}
	return false
}

func fakeServer(args []string) int {
	fs := flag.NewFlagSet("fake-server", flag.ContinueOnError)
	lib := fs.String("lib", "", "")
	addr := fs.String("addr", "", "")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *lib == "nostart" {
		fmt.Fprintln(os.Stderr, "fake server: boom, cannot start")
		return 1
	}
	sig := make(chan os.Signal, 1)
	if *lib == "stubborn" {
		signal.Ignore(syscall.SIGTERM)
	} else {
		signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "fake server: %v\n", err)
		return 1
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	go func() { _ = http.Serve(ln, mux) }()
	if *lib == "crash" {
		time.Sleep(300 * time.Millisecond)
		fmt.Fprintln(os.Stderr, "fake server: crashing on purpose")
		return 3
	}
	<-sig
	return 0
}

func fakeLoadgen(args []string) int {
	// The real load generator's flags, read as it reads them.
	fs := flag.NewFlagSet("fake-loadgen", flag.ContinueOnError)
	var cfg scenario.Config
	cfg.RegisterFlags(fs)
	jsonPath := fs.String("json", "", "")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return 2
	}
	variant := cfg.Variant()
	mode := os.Getenv("BENCH_FAKE_LOADGEN")
	if mode == "usage" || cfg.URL == "" || *jsonPath == "" || cfg.ServerPID == 0 {
		fmt.Fprintln(os.Stderr, "fake loadgen: usage")
		return 2
	}
	if mode == "hang" {
		select {}
	}
	host := strings.TrimPrefix(strings.TrimPrefix(cfg.URL, "ws://"), "http://")
	p := fixture.Params{Scenario: cfg.Scenario, Proto: string(cfg.Proto), Conns: cfg.Conns, Size: cfg.Size, Rate: cfg.Rate,
		Duration: cfg.Duration, Warmup: cfg.Warmup, Hold: cfg.Hold, Lib: strconv.Itoa(cfg.ServerPID % 7), Trial: cfg.ServerPID, Jitter: 0.02,
		Variant: variant, PollInterval: cfg.PollInterval}
	switch {
	case cfg.Scenario == "echo" && cfg.Rate > 0:
		p.Mode = "open"
	case cfg.Scenario == "echo":
		p.Mode = "closed"
	case cfg.Scenario == "broadcast":
		p.Mode = "open"
	}
	res := fixture.Result(p)
	res.Window = max(cfg.Window, 1)
	// Run for the scenario's time, failing like the real load generator
	// when the server goes away.
	end := time.Now().Add(cfg.Warmup + cfg.Duration + cfg.Hold)
	for time.Now().Before(end) {
		c, err := net.DialTimeout("tcp", host, time.Second)
		if err != nil {
			res.Failed, res.Failure = true, "server unreachable: "+err.Error()
			break
		}
		c.Close()
		time.Sleep(20 * time.Millisecond)
	}
	if mode == "lost" {
		res.Lost = 3
		res.Received -= 3
	}
	switch mode {
	case "disturbed":
		res.Foreign = &result.Foreign{CPUs: []int{0, 1}, CPUUtil: 0.6}
	case "disturbed-once":
		// The first attempt of each trial (the JSON path names the trial)
		// is disturbed, the next one is not.
		if _, err := os.Stat(*jsonPath + ".seen"); err != nil {
			_ = os.WriteFile(*jsonPath+".seen", nil, 0o644)
			res.Foreign = &result.Foreign{CPUs: []int{0, 1}, CPUUtil: 0.6}
		} else {
			res.Foreign = &result.Foreign{CPUs: []int{0, 1}, CPUUtil: 0.01}
		}
	}
	res.Variant = variant
	if mode == "othervariant" {
		res.Variant = "sse"
	}
	b, _ := json.Marshal(res)
	if err := os.WriteFile(*jsonPath, b, 0o644); err != nil {
		return 1
	}
	if res.Failed {
		return 1
	}
	return 0
}
