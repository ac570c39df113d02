// Command conformance runs the protocol conformance suites against every
// registered server (in-process, on loopback) and writes
// results/conformance/<date-host>/conformance.json and CONFORMANCE.md.
//
//	go run ./cmd/conformance                 # full form, every library
//	go run ./cmd/conformance -short          # the CI form
//	go run ./cmd/conformance -libs gorilla,sockjs -out /tmp/c
//	go run ./cmd/conformance -validates results/conformance/<run>/conformance.json
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/wsbench/wsbench/bench/conformance/matrix"
	"github.com/wsbench/wsbench/loadgen/conformance"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the command; it returns the exit status (2 for bad usage).
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("conformance", flag.ContinueOnError)
	fs.SetOutput(stderr)
	short := fs.Bool("short", false, "CI form: 256 KiB message limit, fewer round trips, cases in parallel")
	libs := fs.String("libs", "", "comma-separated library names (default: every registered library)")
	results := fs.String("results", "results/conformance", "directory the run's <date-host>/ directory is created in")
	out := fs.String("out", "", "write into exactly this directory instead of results/conformance/<date-host>")
	validates := fs.String("validates", "", "print the \"what each library validates\" table of this conformance.json and exit")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "conformance: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *validates != "" {
		rep, err := conformance.ReadReport(*validates)
		if err != nil {
			fmt.Fprintln(stderr, "conformance:", err)
			return 1
		}
		matrix.Validates(stdout, rep)
		return 0
	}
	o := matrix.Options{Form: matrix.FormFull, Log: stdout}
	if *short {
		o.Form = matrix.FormShort
	}
	if *libs != "" {
		o.Libs = strings.Split(*libs, ",")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	dir := *out
	if dir == "" {
		host, _ := os.Hostname()
		dir = filepath.Join(*results, time.Now().UTC().Format("2006-01-02T150405")+"-"+host)
	}
	rep, err := matrix.Run(ctx, o)
	if err != nil {
		fmt.Fprintln(stderr, "conformance:", err)
		if errors.Is(err, matrix.ErrUnknownLibrary) {
			return 2
		}
		return 1
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintln(stderr, "conformance:", err)
		return 1
	}
	if err := rep.WriteJSON(filepath.Join(dir, "conformance.json")); err != nil {
		fmt.Fprintln(stderr, "conformance:", err)
		return 1
	}
	f, err := os.Create(filepath.Join(dir, "CONFORMANCE.md"))
	if err != nil {
		fmt.Fprintln(stderr, "conformance:", err)
		return 1
	}
	matrix.Markdown(f, rep, "conformance.json")
	if err := f.Close(); err != nil {
		fmt.Fprintln(stderr, "conformance:", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %s/conformance.json and CONFORMANCE.md\n", dir)
	return 0
}
