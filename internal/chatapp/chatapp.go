// Package chatapp is the live chat demo of a talk (make demo): one
// library's chat server (servers/chat/PROTOCOL.md at /chat), and beside it a
// small web server for the page that talks to it. The page is plain
// JavaScript written here (page.html, embedded), with rooms and a live panel
// of the server's connections and messages per second, read from the
// server's own counters. SockJS servers need the sockjs-client browser
// bundle, which the app serves itself (nothing comes from a CDN).
//
// The browser connects straight to the library's server (its own port, on
// the page's host name): what the audience sees is the library, with no
// proxy in between. Not to be confused with internal/demo, the invented
// run behind the slides' tests.
package chatapp

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/wsbench/wsbench/servers/server"
)

//go:embed page.html
var page []byte

// Page returns the embedded chat page.
func Page() []byte { return page }

// Paths the page server answers on, beside the page at "/".
const (
	PathConfig = "/config.json"   // where and how to reach the chat server
	PathStats  = "/stats.json"    // the chat server's counters, with the time they were read
	PathSockJS = "/sockjs.min.js" // the sockjs-client bundle
)

// Config is the answer of PathConfig.
type Config struct {
	Lib   string       `json:"lib"`
	Proto server.Proto `json:"proto"`
	// Port is the chat server's port; the page reaches it on its own host
	// name, so that the demo works from other machines when it listens on
	// all interfaces.
	Port int    `json:"port"`
	Path string `json:"path"`
}

// Stats is the answer of PathStats: a snapshot of the server's counters and
// the server's clock when it was read, from which the page computes rates.
type Stats struct {
	server.Snapshot
	UnixMilli int64 `json:"unix_ms"`
}

// App is a running demo: the chat server and the page server.
type App struct {
	Lib        server.Library
	PageURL    string // http://host:port/ of the page
	ServerAddr string // host:port of the chat server

	env      *server.Env
	srv      server.Server
	page     *http.Server
	served   chan error // each Serve's result: chat server, page server
	failed   chan error // the first Serve that returned before Stop
	stopping atomic.Bool
}

// ErrNoChat is returned for a library without the chat protocol.
var ErrNoChat = errors.New("does not speak the chat protocol")

// ErrNoBundle is returned for a SockJS library when no sockjs-client
// bundle is given.
var ErrNoBundle = errors.New("a SockJS server needs the sockjs-client bundle")

// Start serves lib's chat server on serverAddr and the page on pageAddr
// (port 0 picks a free one) and returns once both listen. bundle is the
// sockjs-client browser bundle, required for a SockJS library.
func Start(lib server.Library, pageAddr, serverAddr string, bundle []byte) (*App, error) {
	if !lib.Chat {
		return nil, fmt.Errorf("%s %w", lib.Name, ErrNoChat)
	}
	if lib.Proto == server.ProtoSockJS && len(bundle) == 0 {
		return nil, fmt.Errorf("%s: %w", lib.Name, ErrNoBundle)
	}
	sln, err := net.Listen("tcp", serverAddr)
	if err != nil {
		return nil, fmt.Errorf("chat server: %w", err)
	}
	pln, err := net.Listen("tcp", pageAddr)
	if err != nil {
		sln.Close()
		return nil, fmt.Errorf("page server: %w", err)
	}
	a := &App{
		Lib:        lib,
		PageURL:    "http://" + pln.Addr().String() + "/",
		ServerAddr: sln.Addr().String(),
		env:        server.NewEnv(),
		served:     make(chan error, 2),
		failed:     make(chan error, 1),
	}
	a.srv = lib.New(a.env)
	cfg := Config{Lib: lib.Name, Proto: lib.Proto, Port: sln.Addr().(*net.TCPAddr).Port, Path: server.PathChat}
	a.page = &http.Server{Handler: a.handler(cfg, bundle), ReadHeaderTimeout: 5 * time.Second}
	go a.serve("chat server", func() error { return a.srv.Serve(sln) })
	go a.serve("page server", func() error {
		err := a.page.Serve(pln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		return err
	})
	return a, nil
}

// Stats reads the chat server's counters.
func (a *App) Stats() Stats {
	return Stats{Snapshot: a.env.Stats.Snapshot(), UnixMilli: time.Now().UnixMilli()}
}

// serve runs one server's Serve and reports its end.
func (a *App) serve(what string, serve func() error) {
	err := serve()
	if !a.stopping.Load() {
		early := fmt.Errorf("%s stopped", what)
		if err != nil {
			early = fmt.Errorf("%s: %w", what, err)
		}
		select {
		case a.failed <- early:
		default:
		}
	}
	a.served <- err
}

// Failed delivers why a server stopped serving before Stop (once).
func (a *App) Failed() <-chan error { return a.failed }

// Stop closes the page server and shuts the chat server down (its clients
// get 1001), within ctx.
func (a *App) Stop(ctx context.Context) error {
	a.stopping.Store(true)
	perr := a.page.Shutdown(ctx)
	serr := a.srv.Shutdown(ctx)
	for range 2 {
		select {
		case err := <-a.served:
			if serr == nil {
				serr = err
			}
		case <-ctx.Done():
			return errors.Join(perr, serr, fmt.Errorf("servers did not stop: %w", ctx.Err()))
		}
	}
	return errors.Join(perr, serr)
}

// handler serves the page, its configuration, the counters and the bundle.
func (a *App) handler(cfg Config, bundle []byte) http.Handler {
	cfgJSON, _ := json.Marshal(cfg) // strings and ints: cannot fail
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(page)
	})
	mux.HandleFunc("GET "+PathConfig, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(cfgJSON)
	})
	mux.HandleFunc("GET "+PathStats, func(w http.ResponseWriter, _ *http.Request) {
		b, _ := json.Marshal(a.Stats()) // ints: cannot fail
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(b)
	})
	mux.HandleFunc("GET "+PathSockJS, func(w http.ResponseWriter, r *http.Request) {
		if len(bundle) == 0 {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/javascript")
		w.Header().Set("Content-Length", strconv.Itoa(len(bundle)))
		_, _ = w.Write(bundle)
	})
	return mux
}
