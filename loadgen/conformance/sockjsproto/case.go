// Package sockjsproto checks a SockJS server against the SockJS protocol
// 0.3 (the case list of the sockjs-protocol project's 0.3.3 test, written
// here in Go): greeting, /info, iframe, session URLs, every transport's
// framing, heartbeats, close frames, JSON encoding and error codes. Results
// use the verdicts of package conformance.
package sockjsproto

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/wsbench/wsbench/loadgen/conformance"
)

// Case is one protocol check.
type Case struct {
	ID       string
	Category string
	Title    string
	Expect   string
	// TestServer: the case needs the protocol test server (short
	// heartbeat, 4 KiB streaming response limit).
	TestServer bool
	Run        func(t *T)
}

// Target says where the server under test listens.
type Target struct {
	// Addr serves /echo, /close, /disabled_websocket_echo and
	// /cookie_needed_echo with the library's default options.
	Addr string
	// TestAddr, when not empty, serves the same prefixes with a short
	// heartbeat (Heartbeat) and a 4096-byte streaming response limit.
	TestAddr  string
	Heartbeat time.Duration
	// CaseTimeout bounds each case.
	CaseTimeout time.Duration
	// Parallel is how many cases run at once.
	Parallel int
}

// Categories in report order.
var Categories = []string{
	"greeting", "info", "iframe", "session", "websocket", "raw-websocket",
	"xhr-polling", "xhr-streaming", "eventsource", "htmlfile", "jsonp",
	"cookie", "json-encoding", "close", "heartbeat", "http",
}

var registry []Case

func register(cs ...Case) { registry = append(registry, cs...) }

// Cases returns every case in ID order.
func Cases() []Case {
	out := append([]Case(nil), registry...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && conformance.LessID(out[j].ID, out[j-1].ID); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// Run runs every case against tg.
func Run(tg Target) []conformance.Result {
	cases := Cases()
	out := make([]conformance.Result, len(cases))
	sem := make(chan struct{}, max(tg.Parallel, 1))
	var wg sync.WaitGroup
	for i, cs := range cases {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			out[i] = RunCase(tg, cs)
		}()
	}
	wg.Wait()
	return out
}

// RunCase runs one case.
func RunCase(tg Target, cs Case) conformance.Result {
	res := conformance.Result{ID: cs.ID, Category: cs.Category, Title: cs.Title, Expect: cs.Expect}
	start := time.Now()
	addr := tg.Addr
	if cs.TestServer {
		if tg.TestAddr == "" {
			res.Verdict, res.Detail = conformance.Unimplemented, "needs a protocol test server (short heartbeat, 4 KiB response limit) and none was given"
			return res
		}
		addr = tg.TestAddr
	}
	t := newT(addr, start.Add(tg.CaseTimeout), tg.Heartbeat)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			switch p := recover().(type) {
			case nil:
			case fatal:
				t.failed = string(p)
			case unimplemented:
				t.unimpl = string(p)
			default:
				t.failed = fmt.Sprintf("client error: %v", p)
			}
		}()
		cs.Run(t)
	}()
	<-done
	t.cleanup()
	if t.racedPolls > 0 {
		t.note(fmt.Sprintf("%d poll(s) answered c[2010] before the server detached the previous receiver, asked again (see session.6)", t.racedPolls))
	}
	res.Millis = float64(time.Since(start).Microseconds()) / 1000
	res.Sent, res.Observed = t.sent, t.observed
	switch {
	case t.failed != "":
		res.Verdict, res.Detail = conformance.Failed, t.failed
	case t.unimpl != "":
		res.Verdict, res.Detail = conformance.Unimplemented, t.unimpl
	default:
		res.Verdict, res.Detail = conformance.OK, "as specified"
		if len(t.notes) > 0 {
			res.Detail = strings.Join(t.notes, "; ")
		}
	}
	return res
}

// T is one running case.
type T struct {
	addr      string
	deadline  time.Time
	heartbeat time.Duration
	tr        *http.Transport
	cl        *http.Client
	sent      []string
	observed  []string
	notes     []string
	failed    string
	unimpl    string
	closers   []func()
	// strictPolls turns off Do's retry of polls answered 2010.
	strictPolls bool
	// racedPolls counts polls Do asked again.
	racedPolls int
}

type (
	fatal         string
	unimplemented string
)

// Fatalf fails the case and ends it (as testing.T.Fatalf).
func (t *T) Fatalf(format string, args ...any) { panic(fatal(fmt.Sprintf(format, args...))) }

// Unimplemented marks the case as not runnable here and ends it.
func (t *T) Unimplemented(why string) { panic(unimplemented(why)) }

// try runs f with the case's deadline brought forward to wait from now
// and returns the failure f met ("" if none) instead of failing the case.
func (t *T) try(wait time.Duration, f func()) (failure string) {
	saved := t.deadline
	if d := time.Now().Add(wait); d.Before(saved) {
		t.deadline = d
	}
	defer func() {
		t.deadline = saved
		if p := recover(); p != nil {
			msg, ok := p.(fatal)
			if !ok {
				panic(p)
			}
			failure = string(msg)
		}
	}()
	f()
	return ""
}

func (t *T) note(s string) { t.notes = append(t.notes, s) }

func (t *T) cleanup() {
	for i := len(t.closers) - 1; i >= 0; i-- {
		t.closers[i]()
	}
	t.tr.CloseIdleConnections()
}

// URL returns http://addr + prefix + rest.
func (t *T) URL(prefix, rest string) string { return "http://" + t.addr + prefix + rest }

// Session returns prefix/000/<random id>, a fresh session URL.
func (t *T) Session(prefix string) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return t.URL(prefix, "/000/"+hex.EncodeToString(b[:]))
}

// Prefixes served for the protocol test.
const (
	echo   = "/echo"
	goAway = "/close"
	wsOff  = "/disabled_websocket_echo"
	cookie = "/cookie_needed_echo"
)
