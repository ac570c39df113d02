// Command conformance runs the protocol conformance suites against every
// registered server (in-process, on loopback) and writes
// results/conformance/<date-host>/conformance.json and CONFORMANCE.md.
//
//	go run ./bench/conformance                 # full form, every library
//	go run ./bench/conformance -short          # the CI form
//	go run ./bench/conformance -libs gorilla,sockjs -out /tmp/c
//	go run ./bench/conformance -validates results/conformance/<run>/conformance.json
package main

import (
	"context"
	"flag"
	"fmt"
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
	os.Exit(run())
}

func run() int {
	fs := flag.NewFlagSet("conformance", flag.ContinueOnError)
	short := fs.Bool("short", false, "CI form: 256 KiB message limit, fewer round trips, cases in parallel")
	libs := fs.String("libs", "", "comma-separated library names (default: every registered library)")
	results := fs.String("results", "results/conformance", "directory the run's <date-host>/ directory is created in")
	out := fs.String("out", "", "write into exactly this directory instead of results/conformance/<date-host>")
	validates := fs.String("validates", "", "print the \"what each library validates\" table of this conformance.json and exit")
	if err := fs.Parse(os.Args[1:]); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "conformance: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *validates != "" {
		rep, err := conformance.ReadReport(*validates)
		if err != nil {
			fmt.Fprintln(os.Stderr, "conformance:", err)
			return 1
		}
		matrix.Validates(os.Stdout, rep)
		return 0
	}
	o := matrix.Options{Form: matrix.FormFull, Log: os.Stdout}
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
		fmt.Fprintln(os.Stderr, "conformance:", err)
		if strings.HasPrefix(err.Error(), "unknown library") {
			return 2
		}
		return 1
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "conformance:", err)
		return 1
	}
	if err := rep.WriteJSON(filepath.Join(dir, "conformance.json")); err != nil {
		fmt.Fprintln(os.Stderr, "conformance:", err)
		return 1
	}
	f, err := os.Create(filepath.Join(dir, "CONFORMANCE.md"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "conformance:", err)
		return 1
	}
	matrix.Markdown(f, rep, "conformance.json")
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "conformance:", err)
		return 1
	}
	fmt.Printf("wrote %s/conformance.json and CONFORMANCE.md\n", dir)
	return 0
}
