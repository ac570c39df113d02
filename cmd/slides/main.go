// Command slides is `make slides`: it writes a run's slides.html and
// REPORT.html, then opens the deck in headless Chromium, checks every
// slide at 1920×1080 and 1280×720 and writes a screenshot of each
// (slides/NN.png next to the deck).
//
//	go run ./cmd/slides -run results/<run> [-check=false]
//
// Exit status: 0 the deck passed, 1 it failed its check or could not be
// made, 2 bad usage.
package main

import (
	"context"
	"flag"
	"fmt"
	"github.com/wsbench/wsbench/bench/publish"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/wsbench/wsbench/bench/record"
	"github.com/wsbench/wsbench/bench/slides"
	"github.com/wsbench/wsbench/bench/slides/check"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("slides", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("run", "", "run directory (results/<run>) holding results.json")
	doCheck := fs.Bool("check", true, "check the deck in headless Chromium and write slides/NN.png")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *dir == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: slides -run results/<run> [-check=false]")
		return 2
	}
	r, err := record.Load(*dir)
	if err != nil {
		fmt.Fprintf(stderr, "slides: %v\n", err)
		return 1
	}
	if fi, err := os.Stat(*dir); err == nil && !fi.IsDir() {
		*dir = filepath.Dir(*dir)
	}
	if err := publish.Write(*dir, r); err != nil {
		fmt.Fprintf(stderr, "slides: %v\n", err)
		return 1
	}
	deck := filepath.Join(*dir, slides.FileName)
	fmt.Fprintf(stdout, "slides: %s\n", deck)
	if !*doCheck {
		return 0
	}
	shots := filepath.Join(*dir, "slides")
	old, _ := filepath.Glob(filepath.Join(shots, "[0-9][0-9].png"))
	for _, f := range old {
		os.Remove(f)
	}
	res, err := check.Deck(ctx, deck, check.Options{ShotsDir: shots})
	if err != nil {
		fmt.Fprintf(stderr, "slides: check: %v\n", err)
		return 1
	}
	for _, p := range res.Problems {
		fmt.Fprintf(stderr, "slides: %s\n", p)
	}
	fmt.Fprintf(stdout, "slides: %d slides checked at %v (%d text runs, minimum %d px at 1280x720, %d printed pages), %d screenshots in %s\n",
		res.Slides, check.Viewports, res.Texts, check.MinTextPx, res.Pages, len(res.Shots), shots)
	if len(res.Problems) > 0 {
		fmt.Fprintf(stderr, "slides: %d problem(s)\n", len(res.Problems))
		return 1
	}
	return 0
}
