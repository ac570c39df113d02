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
// other than the one its flags select; otherwise it runs for warm-up +
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
	fs := flag.NewFlagSet("fake-loadgen", flag.ContinueOnError)
	url := fs.String("url", "", "")
	proto := fs.String("proto", "", "")
	sc := fs.String("scenario", "", "")
	conns := fs.Int("conns", 0, "")
	size := fs.Int("size", 0, "")
	rate := fs.Float64("rate", 0, "")
	window := fs.Int("window", 1, "")
	dur := fs.Duration("duration", 0, "")
	warm := fs.Duration("warmup", 0, "")
	hold := fs.Duration("hold", 0, "")
	pid := fs.Int("server-pid", 0, "")
	jsonPath := fs.String("json", "", "")
	fs.Duration("timeout", 0, "")
	fs.Int("publishers", 0, "")
	poll := fs.Duration("poll-interval", 0, "")
	fs.Float64("connect-rate", 0, "")
	fs.Int("dial-concurrency", 0, "")
	fs.Float64("server-cpus", 0, "")
	httpConn := fs.String("http-conn", "keepalive", "")
	subscribe := fs.String("subscribe", "poll", "")
	transport := fs.String("transport", "websocket", "")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var variant string
	switch {
	case *proto == "ws":
		variant = "ws"
	case *proto == "sockjs":
		variant = "sockjs-" + *transport
	case *proto == "http" && *sc == "broadcast":
		variant = *subscribe
	case *proto == "http":
		variant = "http-" + strings.ReplaceAll(*httpConn, "new", "new-conn")
	}
	mode := os.Getenv("BENCH_FAKE_LOADGEN")
	if mode == "usage" || *url == "" || *jsonPath == "" || *pid == 0 {
		fmt.Fprintln(os.Stderr, "fake loadgen: usage")
		return 2
	}
	if mode == "hang" {
		select {}
	}
	host := strings.TrimPrefix(strings.TrimPrefix(*url, "ws://"), "http://")
	p := fixture.Params{Scenario: *sc, Proto: *proto, Conns: *conns, Size: *size, Rate: *rate,
		Duration: *dur, Warmup: *warm, Hold: *hold, Lib: strconv.Itoa(*pid % 7), Trial: *pid, Jitter: 0.02,
		Variant: variant, PollInterval: *poll}
	switch {
	case *sc == "echo" && *rate > 0:
		p.Mode = "open"
	case *sc == "echo":
		p.Mode = "closed"
	case *sc == "broadcast":
		p.Mode = "open"
	}
	res := fixture.Result(p)
	res.Window = *window
	// Run for the scenario's time, failing like the real load generator
	// when the server goes away.
	end := time.Now().Add(*warm + *dur + *hold)
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
