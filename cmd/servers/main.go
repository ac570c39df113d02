// Command servers runs one library's echo and broadcast server:
//
//	go run ./cmd/servers -lib gorilla -addr 127.0.0.1:8080
//	go run ./cmd/servers -list [-long] [-chat]
//	go run ./cmd/servers -checks
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/wsbench/wsbench/servers/cluster"
	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/server"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process exit, for tests. Exit codes: 0 ok,
// 1 runtime failure, 2 usage.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("servers", flag.ContinueOnError)
	fs.SetOutput(stderr)
	lib := fs.String("lib", "", "library to serve (see -list)")
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	list := fs.Bool("list", false, "print the library names, one per line, and exit")
	long := fs.Bool("long", false, "with -list: print each library's name and protocol (ws, sockjs, http, tcp), tab-separated")
	chatOnly := fs.Bool("chat", false, "with -list: only the libraries that speak the chat protocol at "+server.PathChat)
	checks := fs.Bool("checks", false, "print who makes each RFC 6455 check on received data (library, adapter, neither) as a Markdown table, and exit")
	deflateList := fs.Bool("deflate-variants", false, "print each library's declared permessage-deflate variants besides off (NAME<TAB>MODE<TAB>LEVEL), one per line, and exit")
	deflateTable := fs.Bool("deflate-support", false, "print each WebSocket library's permessage-deflate support (variants, options, defaults) as a Markdown table, and exit")
	deviations := fs.Bool("deviations", false, "print each library's declared deviations (NAME<TAB>BEHAVIOUR<TAB>what it does), one per line, and exit")
	deflate := fs.String("deflate", string(server.DeflateOff), "permessage-deflate variant to negotiate: off, no-context-takeover or context-takeover (the library must declare it)")
	deflateLevel := fs.String("deflate-level", string(server.LevelDefault), "with -deflate: compression level, default (the library's) or fastest (where the library declares it)")
	grace := fs.Duration("grace", 3*time.Second, "how long shutdown waits for connections to close")
	natsURL := fs.String("nats", "", "cluster mode: bridge this node's broadcasts and chat rooms to the other nodes through the NATS broker at this `URL` (nats://HOST:PORT)")
	node := fs.String("node", "", "cluster mode: this node's `id`, unique in the cluster (default: a random id)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: servers -lib NAME [-addr HOST:PORT] [-nats URL [-node ID]]\n       servers -list [-long] [-chat]\n       servers -checks\n       servers -deviations\n\nlibraries: %s\n\n", strings.Join(registry.Names(), ", "))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "servers: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *list {
		for _, l := range registry.All() {
			if *chatOnly && !l.Chat {
				continue
			}
			if *long {
				fmt.Fprintf(stdout, "%s\t%s\n", l.Name, l.Proto)
			} else {
				fmt.Fprintln(stdout, l.Name)
			}
		}
		return 0
	}
	if *checks {
		printChecks(stdout)
		return 0
	}
	if *deflateList {
		for _, l := range registry.All() {
			for _, d := range l.Deflate.Variants() {
				fmt.Fprintf(stdout, "%s\t%s\t%s\n", l.Name, d.Mode, d.Level)
			}
		}
		return 0
	}
	if *deflateTable {
		printDeflate(stdout)
		return 0
	}
	if *deviations {
		for _, l := range registry.All() {
			for _, b := range slices.Sorted(maps.Keys(l.Deviations)) {
				fmt.Fprintf(stdout, "%s\t%s\t%s\n", l.Name, b, l.Deviations[b])
			}
		}
		return 0
	}
	if *lib == "" {
		fmt.Fprintf(stderr, "servers: -lib is required; known: %s\n", strings.Join(registry.Names(), ", "))
		return 2
	}
	l, ok := registry.Lookup(*lib)
	if !ok {
		fmt.Fprintf(stderr, "servers: unknown library %q; known: %s\n", *lib, strings.Join(registry.Names(), ", "))
		return 2
	}
	if err := checkCluster(*natsURL, *node); err != nil {
		fmt.Fprintf(stderr, "servers: %v\n", err)
		return 2
	}
	d, err := server.ParseDeflate(*deflate, *deflateLevel)
	if err != nil {
		fmt.Fprintf(stderr, "servers: %v\n", err)
		return 2
	}
	if !l.Deflate.Supports(d) {
		fmt.Fprintf(stderr, "servers: %s does not support permessage-deflate %s (supported: %s)\n", l.Name, d, supported(l.Deflate))
		return 2
	}
	files, ferr := raiseOpenFiles()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "servers: %v\n", err)
		return 1
	}
	env := server.NewEnv()
	if *natsURL != "" {
		b, err := cluster.Connect(*natsURL, *node)
		if err != nil {
			ln.Close()
			fmt.Fprintf(stderr, "servers: %v\n", err)
			return 1
		}
		defer func() {
			if err := b.Close(*grace); err != nil {
				fmt.Fprintf(stderr, "servers: leaving the cluster: %v\n", err)
			}
		}()
		env.Cluster = b
		fmt.Fprintf(stderr, "servers: node %s bridged through %s\n", b.ID(), *natsURL)
	}
	env.Deflate = d
	srv := l.New(env)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(stderr, "servers: %s listening on %s\n", l.Name, ln.Addr())
	if ferr != nil {
		fmt.Fprintf(stderr, "servers: open files limit %d, could not raise it: %v\n", files, ferr)
	} else {
		fmt.Fprintf(stderr, "servers: open files limit %d (about as many connections)\n", files)
	}
	select {
	case err := <-errc:
		if err != nil {
			fmt.Fprintf(stderr, "servers: %s: %v\n", l.Name, err)
			return 1
		}
		return 0
	case <-ctx.Done():
	}
	stop() // a second signal kills the process the default way
	sctx, cancel := context.WithTimeout(context.Background(), *grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		fmt.Fprintf(stderr, "servers: shutdown: %v (exiting anyway)\n", err)
	}
	return 0
}

// supported names the variants s allows, off included.
func supported(s server.DeflateSupport) string {
	names := []string{string(server.DeflateOff)}
	for _, d := range s.Variants() {
		names = append(names, d.String())
	}
	return strings.Join(names, ", ")
}

// printDeflate writes, for every WebSocket library in the registry, what
// it declares for permessage-deflate (server.Library.Deflate).
func printDeflate(w io.Writer) {
	fmt.Fprintln(w, "| library | variants besides off | levels | options | defaults |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- |")
	for _, l := range registry.All() {
		if l.Proto != server.ProtoWS && l.Proto != server.ProtoSockJS {
			continue
		}
		d := l.Deflate
		levels := string(server.LevelDefault)
		for _, lv := range d.Levels {
			if lv != server.LevelDefault {
				levels += ", " + string(lv)
			}
		}
		if !d.Supported() {
			levels = "—"
		}
		options := d.Options
		if options == "" {
			options = "—"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", l.Name, d.ModeNames(), levels, options, d.Default)
	}
}

// printChecks writes, for every WebSocket library in the registry, who
// makes each of server.Checks (server.Library.CheckedBy).
func printChecks(w io.Writer) {
	fmt.Fprint(w, "| library |")
	for _, c := range server.Checks {
		fmt.Fprintf(w, " %s |", c)
	}
	fmt.Fprint(w, "\n| --- |")
	for range server.Checks {
		fmt.Fprint(w, " --- |")
	}
	fmt.Fprintln(w)
	for _, l := range registry.All() {
		if l.Proto != server.ProtoWS && l.Proto != server.ProtoSockJS {
			continue // RFC 6455 checks: the HTTP baseline and the TCP ceiling have none
		}
		fmt.Fprintf(w, "| %s |", l.Name)
		for _, c := range server.Checks {
			fmt.Fprintf(w, " %s |", l.CheckedBy(c))
		}
		fmt.Fprintln(w)
	}
}
