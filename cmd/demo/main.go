// Command demo serves the live chat demo of a talk: one library's chat
// server and the chat page (internal/chatapp) with rooms and a live panel
// of the server's connections and messages per second.
//
//	go run ./cmd/demo -lib gorilla -addr 127.0.0.1:8080
//
// Open http://ADDR/ in a browser (?room=a,b joins those rooms at once). The
// page talks straight to the library's server on its own port
// (-server-port, 0 for any free one) on the page's host name; to show the
// demo to other machines listen on all interfaces (-addr 0.0.0.0:8080).
// SockJS servers need the sockjs-client bundle that npm installs in
// scripts/thirdparty (make demo LIB=sockjs does that).
//
// Exit 0 after SIGINT or SIGTERM, 1 on a runtime failure, 2 on bad usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/wsbench/wsbench/internal/chatapp"
	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/server"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// chatLibs are the registered libraries that speak the chat protocol.
func chatLibs() []string {
	var names []string
	for _, l := range registry.All() {
		if l.Chat {
			names = append(names, l.Name)
		}
	}
	return names
}

// run is the command until ctx is cancelled; it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	lib := fs.String("lib", "gorilla", "library whose chat server to show (one of: "+strings.Join(chatLibs(), ", ")+")")
	addr := fs.String("addr", "127.0.0.1:8080", "address of the page")
	port := fs.Int("server-port", 0, "port of the library's chat server, on the host of -addr (0: any free port)")
	bundle := fs.String("sockjs-client", "scripts/thirdparty/node_modules/sockjs-client/dist/sockjs.min.js", "sockjs-client browser bundle, for -lib sockjs (npm install in scripts/thirdparty)")
	grace := fs.Duration("grace", 3*time.Second, "how long shutdown waits for connections to close")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "demo: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	l, ok := registry.Lookup(*lib)
	if !ok || !l.Chat {
		fmt.Fprintf(stderr, "demo: %q is not a library with chat; known: %s\n", *lib, strings.Join(chatLibs(), ", "))
		return 2
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		fmt.Fprintf(stderr, "demo: -addr %q: %v\n", *addr, err)
		return 2
	}
	if *port < 0 || *port > 65535 {
		fmt.Fprintf(stderr, "demo: -server-port %d: want 0 to 65535\n", *port)
		return 2
	}
	var js []byte
	if l.Proto == server.ProtoSockJS {
		if js, err = os.ReadFile(*bundle); err != nil {
			fmt.Fprintf(stderr, "demo: sockjs-client bundle: %v (run npm install in scripts/thirdparty)\n", err)
			return 2
		}
	}
	app, err := chatapp.Start(l, *addr, net.JoinHostPort(host, strconv.Itoa(*port)), js)
	if err != nil {
		fmt.Fprintf(stderr, "demo: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "demo: %s chat at %s; open %s (?room=a,b joins rooms a and b)\n", l.Name, app.ServerAddr, app.PageURL)
	code := 0
	select {
	case err := <-app.Failed():
		fmt.Fprintf(stderr, "demo: %v\n", err)
		code = 1
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), *grace)
	defer cancel()
	if err := app.Stop(sctx); err != nil {
		fmt.Fprintf(stderr, "demo: shutdown: %v\n", err)
	}
	return code
}
