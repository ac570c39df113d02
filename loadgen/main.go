// Command loadgen is the benchmark's load generator: the same client for
// every server under test. It runs one scenario against one server and
// prints a summary (and, with -json, a result.Result).
//
//	go run ./loadgen -url ws://127.0.0.1:8080 -scenario echo -conns 50 -window 8 -duration 10s
//	go run ./loadgen -url ws://127.0.0.1:8080 -scenario echo -rate 20000
//	go run ./loadgen -url ws://127.0.0.1:8080 -scenario broadcast -conns 1000 -rate 100
//	go run ./loadgen -url ws://127.0.0.1:8080 -scenario connect -conns 10000 -server-pid PID
//	go run ./loadgen -url http://127.0.0.1:8080 -scenario echo -conns 50 -http-conn new
//	go run ./loadgen -url http://127.0.0.1:8080 -scenario broadcast -rate 20 -subscribe sse
//	go run ./loadgen -url ws://127.0.0.1:8080 -proto sockjs -scenario broadcast -rate 20 -transport xhr-streaming
//
// Exit status: 0 the run passed, 1 it failed (lost, duplicated, reordered
// or corrupt messages, errors, timeout; the JSON is still written), 2 bad
// usage.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"slices"
	"syscall"

	"golang.org/x/term"

	"github.com/wsbench/wsbench/loadgen/result"
	"github.com/wsbench/wsbench/loadgen/scenario"
	"github.com/wsbench/wsbench/loadgen/wire"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process around it. Exit codes: 0 ok, 1 run
// failed, 2 usage.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		cfg       scenario.Config
		proto     string
		jsonPath  string
		httpConn  string
		subscribe string
		transport string
	)
	fs.StringVar(&cfg.URL, "url", "", "server base URL: ws://HOST:PORT, http://HOST:PORT or tcp://HOST:PORT (the scenario picks the path)")
	fs.StringVar(&proto, "proto", "", "protocol: ws, sockjs, http or tcp (default: from the URL scheme; sockjs must be named)")
	fs.StringVar(&cfg.Scenario, "scenario", scenario.Echo, "echo, broadcast or connect")
	fs.IntVar(&cfg.Conns, "conns", scenario.DefaultConns, "connections (broadcast: subscribers)")
	fs.IntVar(&cfg.Window, "window", scenario.DefaultWindow, "closed-loop echo: messages in flight per connection (HTTP: 1)")
	fs.IntVar(&cfg.Size, "size", scenario.DefaultSize, "message size in bytes, 40-byte header included")
	fs.Float64Var(&cfg.Rate, "rate", 0, "msgs/s in total: echo open loop when > 0 (0: closed loop); broadcast publish rate (required)")
	fs.DurationVar(&cfg.Duration, "duration", scenario.DefaultDuration, "measured interval")
	fs.DurationVar(&cfg.Warmup, "warmup", scenario.DefaultWarmup, "load before the measured interval, not counted")
	fs.DurationVar(&cfg.Drain, "drain", scenario.DefaultDrain, "after the measured interval: how long in-flight messages may still arrive before they count as lost")
	fs.IntVar(&cfg.Publishers, "publishers", scenario.DefaultPublishers, "broadcast: publishing connections, in addition to -conns subscribers")
	fs.DurationVar(&cfg.PollInterval, "poll-interval", scenario.DefaultPollInterval, "HTTP broadcast: how often each subscriber polls")
	fs.Float64Var(&cfg.ConnectRate, "connect-rate", 0, "new connections per second at most (0: as fast as -dial-concurrency allows)")
	fs.IntVar(&cfg.DialConcurrency, "dial-concurrency", scenario.DefaultDialConcurrency, "connection attempts in progress at once")
	fs.DurationVar(&cfg.DialTimeout, "dial-timeout", scenario.DefaultDialTimeout, "limit for one TCP connect plus handshake")
	fs.DurationVar(&cfg.Hold, "hold", scenario.DefaultHold, "connect: how long the connections stay open and idle before the memory reading")
	fs.IntVar(&cfg.ServerPID, "server-pid", 0, "server process to measure (CPU, RSS) from /proc")
	fs.Float64Var(&cfg.ServerCPUs, "server-cpus", 0, "CPUs the server may use, a CPU quota included, for the verdict client-bound (0: the CPUs of its affinity)")
	fs.DurationVar(&cfg.Spin, "spin", scenario.DefaultSpin, "open loop: sleep until this long before each due time, then busy-poll until it (0: sleep until due; the load generator then wakes late by the kernel's wake-up latency)")
	fs.StringVar(&jsonPath, "json", "", "write the result as JSON to this file (- for stdout)")
	fs.DurationVar(&cfg.Timeout, "timeout", 0, "hard deadline for the whole run (default: ramp-up + warm-up + duration + drain + hold + a generous margin)")
	fs.IntVar(&cfg.LocalAddrs, "local-addrs", 0, "spread connections over source addresses 127.0.0.1..N (0: automatic, when the connections approach the ephemeral port range)")
	fs.StringVar(&httpConn, "http-conn", "keepalive", "HTTP: keepalive, or new (a new TCP connection for every request; an SSE stream is one request)")
	fs.StringVar(&subscribe, "subscribe", "poll", "HTTP broadcast subscribers: poll (GET /poll every -poll-interval), longpoll (wait=30s) or sse (GET /events)")
	fs.StringVar(&transport, "transport", "websocket", "SockJS transport of echo connections and broadcast subscribers: websocket, xhr-streaming or xhr-polling (publishers: websocket)")
	cpuProfile := fs.String("cpuprofile", "", "write the load generator's CPU profile to this file (to check what the client spends its time on)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: loadgen -url URL [-proto ws|sockjs|http|tcp] [-scenario echo|broadcast|connect] [-http-conn keepalive|new]\n"+
			"               [-subscribe poll|longpoll|sse] [-transport websocket|xhr-streaming|xhr-polling] [flags]\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	badUsage := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "loadgen: "+format+"\n\n", a...)
		fs.Usage()
		return 2
	}
	if fs.NArg() > 0 {
		return badUsage("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["window"] {
		cfg.Window = 0 // the default, but not asked for: lets HTTP and open loops ignore it
	}
	cfg.Proto = wire.Proto(proto)
	switch httpConn {
	case "keepalive":
	case "new":
		cfg.HTTP.NewConnPerRequest = true
	default:
		return badUsage("-http-conn must be keepalive or new, not %q", httpConn)
	}
	known := false
	for _, m := range wire.Subscribes {
		if m.Name == subscribe {
			cfg.HTTP.Subscribe, known = m.Mode, true
		}
	}
	if !known {
		return badUsage("-subscribe must be poll, longpoll or sse, not %q", subscribe)
	}
	if !slices.Contains(wire.Transports, wire.Transport(transport)) {
		return badUsage("-transport must be websocket, xhr-streaming or xhr-polling, not %q", transport)
	}
	if set["transport"] {
		cfg.Transport = wire.Transport(transport)
	}
	for name, v := range map[string]int{"conns": cfg.Conns, "window": cfg.Window, "publishers": cfg.Publishers, "dial-concurrency": cfg.DialConcurrency} {
		if set[name] && v < 1 {
			return badUsage("-%s must be at least 1", name)
		}
	}
	for name, v := range map[string]bool{"duration": cfg.Duration <= 0, "poll-interval": cfg.PollInterval <= 0, "dial-timeout": cfg.DialTimeout <= 0} {
		if set[name] && v {
			return badUsage("-%s must be positive", name)
		}
	}
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		cfg.Progress = stderr
	}

	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "loadgen: %v\n", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "loadgen: %v\n", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	res, err := scenario.Run(ctx, cfg)
	if err != nil {
		var ue *scenario.UsageError
		if errors.As(err, &ue) {
			return badUsage("%v", err)
		}
		fmt.Fprintf(stderr, "loadgen: %v\n", err)
		return 1
	}
	Summary(stdout, res)
	if jsonPath != "" {
		if err := writeJSON(jsonPath, stdout, res); err != nil {
			fmt.Fprintf(stderr, "loadgen: %v\n", err)
			return 1
		}
	}
	if res.Failed {
		fmt.Fprintf(stderr, "loadgen: run failed: %s\n", res.Failure)
		return 1
	}
	return 0
}

func writeJSON(path string, stdout io.Writer, res *result.Result) error {
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if path == "-" {
		_, err = stdout.Write(b)
		return err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("write -json: %v", err)
	}
	return nil
}
