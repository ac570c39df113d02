// Command browser checks every server with a real browser: headless
// Chromium, driven with chromedp, runs the browser's own WebSocket (echo of
// text and binary, broadcast) against every WebSocket server in the
// registry, and sockjs-client, with each of its transports forced in turn,
// against every SockJS server. Then, for every server with chat, it opens
// the chat demo of make demo (internal/chatapp) in three tabs, two in room
// A and one in room B, and checks that A's messages reach exactly A's
// pages, in order (with each sockjs-client transport for SockJS). Servers
// run in-process on loopback; the test page and the sockjs-client bundle
// are served from loopback too.
//
// Chromium always offers permessage-deflate: every server, started as its
// library ships (compression off), must answer no extension; started in
// each permessage-deflate variant it declares (server.Library.Deflate), it
// must negotiate the variant's parameters and pass echo and broadcast
// compressed (SockJS: over its websocket transport).
//
//	go run ./cmd/browser -sockjs-client scripts/thirdparty/node_modules/sockjs-client/dist/sockjs.min.js
//
// One line per server and transport; exit 1 on any failure, 2 on bad usage.
package main

import (
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wsbench/wsbench/servers/inproc"
	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/server"
)

//go:embed page.html
var page []byte

// sockjsTransports are the sockjs-client transports a current Chromium
// can use against a server of another origin without the iframe page
// (whose script the server points at a CDN, unreachable here).
var sockjsTransports = []string{"websocket", "xhr-streaming", "eventsource", "xhr-polling", "jsonp-polling"}

type result struct {
	OK  bool   `json:"ok"`
	Msg string `json:"msg"`
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run is the command; it returns the exit status (2 for bad usage).
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("browser", flag.ContinueOnError)
	fs.SetOutput(stderr)
	bundle := fs.String("sockjs-client", "scripts/thirdparty/node_modules/sockjs-client/dist/sockjs.min.js", "sockjs-client browser bundle to serve (npm install in scripts/thirdparty)")
	chrome := fs.String("chromium", "", "browser binary (default: chromium, chromium-browser or google-chrome on PATH)")
	timeout := fs.Duration("timeout", 30*time.Second, "limit per server and transport (generous: CI machines are loaded)")
	overall := fs.Duration("overall", 6*time.Minute, "limit for the whole check, browser start included")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "browser: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	js, err := os.ReadFile(*bundle)
	if err != nil {
		fmt.Fprintf(stderr, "browser: sockjs-client bundle: %v (run npm install in scripts/thirdparty)\n", err)
		return 2
	}
	exe, err := findBrowser(*chrome)
	if err != nil {
		fmt.Fprintln(stderr, "browser:", err)
		return 2
	}
	pageURL, stopPage, err := servePage(js)
	if err != nil {
		fmt.Fprintln(stderr, "browser:", err)
		return 1
	}
	defer stopPage()

	// Everything, browser start included, within one overall limit. The
	// browser's own context must not be a per-call timeout: cancelling the
	// context of the first Run closes the browser.
	all, cancelAll := context.WithTimeout(context.Background(), *overall)
	defer cancelAll()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU)
	actx, cancelAlloc := chromedp.NewExecAllocator(all, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	start := time.Now()
	if _, err := chromedp.Run(bctx, chromedp.Navigate(pageURL)); err != nil {
		fmt.Fprintf(stderr, "browser: starting %s: %v\n", exe, err)
		return 1
	}

	failed := 0
	report := func(label string, t0 time.Time, res result) {
		status := "ok  "
		if !res.OK {
			status = "FAIL"
			failed++
		}
		fmt.Fprintf(stdout, "%s %-34s %s (%v)\n", status, label, res.Msg, time.Since(t0).Round(time.Millisecond))
	}
	check := func(label, js string) {
		ctx, cancel := context.WithTimeout(bctx, *timeout)
		defer cancel()
		t0 := time.Now()
		res, err := chromedp.Run(ctx, chromedp.Evaluate[result](js, chromedp.EvalAwaitPromise))
		switch {
		case err != nil:
			res = result{Msg: err.Error()}
		case !res.OK && res.Msg == "":
			res.Msg = "no result"
		}
		report(label, t0, res)
	}
	// checkChat opens lib's chat demo in three tabs (checkChatDemo).
	checkChat := func(lib server.Library, transport string) {
		ctx, cancel := context.WithTimeout(bctx, *timeout)
		defer cancel()
		t0 := time.Now()
		label := lib.Name + " chat demo"
		if transport != "" {
			label += " " + transport
		}
		msg, err := checkChatDemo(ctx, lib, js, transport)
		if err != nil {
			msg = err.Error()
		}
		report(label, t0, result{OK: err == nil, Msg: msg})
	}
	for _, lib := range registry.All() {
		switch lib.Proto {
		case server.ProtoWS, server.ProtoSockJS:
		default:
			fmt.Fprintf(stdout, "skip %-34s proto %s: no browser client to check\n", lib.Name, lib.Proto)
			continue
		}
		for _, d := range append([]server.Deflate{{Mode: server.DeflateOff}}, lib.Deflate.Variants()...) {
			env := server.NewEnv()
			env.Deflate = d
			name := lib.Name
			if d.On() {
				name += " deflate " + d.String()
			}
			s, err := inproc.Start(lib.New(env))
			if err != nil {
				fmt.Fprintf(stdout, "FAIL %-34s start: %v\n", name, err)
				failed++
				continue
			}
			mode := strconv.Quote(string(d.Mode))
			switch {
			case lib.Proto == server.ProtoWS:
				check(name+" WebSocket", "run(checkWS("+strconv.Quote("ws://"+s.Addr)+", "+mode+"))")
			case d.On():
				check(name+" sockjs-client websocket", "run(checkSockJS("+strconv.Quote("http://"+s.Addr)+", \"websocket\", "+mode+"))")
			default:
				for _, tr := range sockjsTransports {
					args := strconv.Quote("http://"+s.Addr) + ", " + strconv.Quote(tr)
					if tr == "websocket" {
						args += ", " + mode // and no extension answered
					}
					check(name+" sockjs-client "+tr, "run(checkSockJS("+args+"))")
				}
			}
			if err := s.Stop(); err != nil {
				fmt.Fprintf(stdout, "FAIL %-34s shutdown: %v\n", name, err)
				failed++
			}
		}
		switch {
		case !lib.Chat:
		case lib.Proto == server.ProtoWS:
			checkChat(lib, "")
		default:
			for _, tr := range sockjsTransports {
				checkChat(lib, tr)
			}
		}
	}
	fmt.Fprintf(stdout, "%d failure(s), %v\n", failed, time.Since(start).Round(time.Millisecond))
	if failed > 0 {
		return 1
	}
	return 0
}

// servePage serves the test page and the sockjs-client bundle on a
// loopback port of its own (another origin than the servers').
func servePage(bundle []byte) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(page)
	})
	mux.HandleFunc("/sockjs.min.js", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/javascript")
		_, _ = w.Write(bundle)
	})
	mux.HandleFunc("/favicon.ico", http.NotFound)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}
	return "http://" + ln.Addr().String() + "/", stop, nil
}

func findBrowser(flagValue string) (string, error) {
	if flagValue != "" {
		return exec.LookPath(flagValue)
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no chromium on PATH (apt-get install -y chromium), or give -chromium")
}
