// Command loadgen is the benchmark's load generator: the same client for
// every server under test. It runs one scenario against one server and
// prints a summary (and, with -json, a result.Result).
//
//	go run ./cmd/loadgen -url ws://127.0.0.1:8080 -scenario echo -conns 50 -window 8 -duration 10s
//	go run ./cmd/loadgen -url ws://127.0.0.1:8080 -scenario echo -rate 20000
//	go run ./cmd/loadgen -url ws://127.0.0.1:8080 -scenario broadcast -conns 1000 -rate 100
//	go run ./cmd/loadgen -url ws://127.0.0.1:8080 -scenario connect -conns 10000 -server-pid PID
//	go run ./cmd/loadgen -url http://127.0.0.1:8080 -scenario echo -conns 50 -http-conn new
//	go run ./cmd/loadgen -url http://127.0.0.1:8080 -scenario broadcast -rate 20 -subscribe sse
//	go run ./cmd/loadgen -url ws://127.0.0.1:8080 -proto sockjs -scenario broadcast -rate 20 -transport xhr-streaming
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
	"syscall"

	"golang.org/x/term"

	"github.com/wsbench/wsbench/loadgen/result"
	"github.com/wsbench/wsbench/loadgen/scenario"
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
	var cfg scenario.Config
	cfg.RegisterFlags(fs)
	jsonPath := fs.String("json", "", "write the result as JSON to this file (- for stdout)")
	merge := fs.Bool("merge", false, "merge the JSON results of load agents named as arguments (each run with -hist) into one, and exit")
	cpuProfile := fs.String("cpuprofile", "", "write the load generator's CPU profile to this file (to check what the client spends its time on)")
	usage := func() {
		fmt.Fprintf(stderr, "usage: loadgen -url URL [-proto ws|sockjs|http|tcp] [-scenario echo|broadcast|connect|chat] [-http-conn keepalive|new]\n"+
			"               [-subscribe poll|longpoll|sse] [-transport websocket|xhr-streaming|xhr-polling] [flags]\n"+
			"       loadgen -merge [-json FILE] AGENT.json...\n\n")
		fs.SetOutput(stderr)
		fs.PrintDefaults()
	}
	badUsage := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "loadgen: "+format+"\n\n", a...)
		usage()
		return 2
	}
	// Parse errors and -h are reported below, with the usage once.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage()
			return 0
		}
		return badUsage("%v", err)
	}
	if *merge {
		if fs.NArg() == 0 {
			return badUsage("-merge needs the agents' result files as arguments")
		}
		return mergeFiles(fs.Args(), *jsonPath, stdout, stderr)
	}
	if fs.NArg() > 0 {
		return badUsage("unexpected argument %q", fs.Arg(0))
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
	if *jsonPath != "" {
		if err := writeJSON(*jsonPath, stdout, res); err != nil {
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
		return fmt.Errorf("write -json: %w", err)
	}
	return nil
}
