package conformance

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Case is one conformance case.
type Case struct {
	ID       string // dotted, grouped as Autobahn groups them (1.1.1 ...)
	Category string
	Title    string // what is sent, in words
	Expect   string // what RFC 6455 requires of the server
	// Behaviour, when set, names the common server behaviour (one of the
	// Behaviour names of servers/server) that the case depends on besides
	// what it checks: a library whose registry entry declares a deviation
	// from it may fail this case. Empty for most cases.
	Behaviour string
	Run       func(t *T)
}

// Behaviours of servers/server that cases depend on (Case.Behaviour).
const (
	// EmptyMessageDelivered: a message with an empty payload is echoed.
	EmptyMessageDelivered = "empty-message-delivered"
	// UnmaskedFrameRejected: an unmasked client frame fails the connection.
	UnmaskedFrameRejected = "unmasked-frame-rejected"
	// CloseFrameOnViolation: a violation is answered with a close frame,
	// after what was queued before it. A server that drops TCP at once
	// instead loses the echo of a valid message sent in the same write as
	// the violation.
	CloseFrameOnViolation = "close-frame-on-violation"
)

// Config sets the limits a run uses.
type Config struct {
	// MaxMessage is the server's message limit (server.MaxMessageSize);
	// the limits cases are sized from it.
	MaxMessage int64
	// CaseTimeout bounds each case; a server that hangs fails the case.
	CaseTimeout time.Duration
	// FailFast is how long the client waits for a server to fail a
	// connection before it sends the rest of an invalid message (the wait
	// that tells OK from NON-STRICT).
	FailFast time.Duration
	// Repeat is the message count of the round-trip cases (9.7, 9.8).
	Repeat int
	// Parallel is how many cases run at once (each on its own connection).
	Parallel int
}

// Full is the configuration of `make conformance`, for a server with the
// suite's 16 MiB message limit.
func Full(maxMessage int64) Config {
	return Config{MaxMessage: maxMessage, CaseTimeout: 30 * time.Second, FailFast: 2 * time.Second, Repeat: 1000, Parallel: 1}
}

// ShortMaxMessage is a server message limit small enough that the limits
// cases of the Short form stay quick.
const ShortMaxMessage = 256 << 10

// Short is the CI form: every case, with the server started with a small
// message limit so the limits cases stay quick.
func Short(maxMessage int64) Config {
	return Config{MaxMessage: maxMessage, CaseTimeout: 15 * time.Second, FailFast: time.Second, Repeat: 50, Parallel: 8}
}

// Categories, in report order.
var Categories = []string{
	"framing", "pings", "reserved-bits", "opcodes", "fragmentation",
	"utf8", "close", "limits", "auto-fragmentation",
}

var registry []Case

func register(cs ...Case) { registry = append(registry, cs...) }

// Cases returns every case in ID order.
func Cases() []Case {
	out := append([]Case(nil), registry...)
	sortCases(out)
	return out
}

func sortCases(cs []Case) {
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && LessID(cs[j].ID, cs[j-1].ID); j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

// Run runs every case against the /echo endpoint of the WebSocket server
// at addr (host:port) and returns the results in case order. ctx cancels
// the cases not yet started.
func Run(ctx context.Context, addr string, cfg Config) []Result {
	cases := Cases()
	out := make([]Result, len(cases))
	sem := make(chan struct{}, max(cfg.Parallel, 1))
	var wg sync.WaitGroup
	for i, cs := range cases {
		if ctx.Err() != nil {
			out[i] = Result{ID: cs.ID, Category: cs.Category, Title: cs.Title, Expect: cs.Expect,
				Verdict: Unimplemented, Detail: "run cancelled"}
			continue
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			out[i] = RunCase(addr, cs, cfg)
		}()
	}
	wg.Wait()
	return out
}

// RunCase runs one case on a fresh connection to addr's /echo.
func RunCase(addr string, cs Case, cfg Config) Result {
	start := time.Now()
	res := Result{ID: cs.ID, Category: cs.Category, Title: cs.Title, Expect: cs.Expect}
	deadline := start.Add(cfg.CaseTimeout)
	c, err := Dial(addr, "/echo", deadline, 2*cfg.MaxMessage+1<<20)
	if err != nil {
		res.Verdict, res.Detail = Failed, "opening handshake failed: "+err.Error()
		res.Millis = ms(time.Since(start))
		return res
	}
	t := &T{c: c, cfg: cfg, verdict: OK}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if p := recover(); p != nil {
				t.fail(fmt.Sprintf("client error: %v", p))
			}
		}()
		cs.Run(t)
	}()
	<-done // every wait inside a case is bounded by the deadline
	_ = c.Close()
	res.Verdict, res.Detail = t.verdict, t.detail()
	res.Sent, res.Observed = c.record()
	res.Millis = ms(time.Since(start))
	return res
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
