// Package rest is the plain HTTP baseline, built on net/http only: echo is
// one POST per message, and broadcast is a bounded message log that clients
// publish to with POST and read with short polls, long polls or a
// Server-Sent Events stream.
//
//	POST /echo                         body echoed back exactly
//	POST /publish, POST /broadcast     append body; reply "SEQ\n"
//	GET  /poll, GET /broadcast         ?after=SEQ[&wait=DURATION]; records
//	GET  /events                       SSE; Last-Event-ID or ?after=SEQ
//	/chat/{room}/...                   chat rooms (chatrooms.go)
//
// Hot paths read the body into a pooled buffer (echo) or an exactly sized
// one (publish), write records with strconv only, and start no goroutines
// beyond net/http's own. Long polls and event streams wait on the log's
// wake channel, never on a timer loop.
package rest

import (
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/wsbench/wsbench/servers/server"
)

// Protocol constants; see the package documentation and the README.
const (
	// LogSize is how many of the newest messages the log retains.
	LogSize = 16384
	// MaxWait is the longest long poll a client may ask for.
	MaxWait = 60 * time.Second
	// PingInterval is the period of ": ping" comments on an event stream.
	PingInterval = 15 * time.Second

	PathPublish = "/publish"
	PathPoll    = "/poll"
	PathEvents  = "/events"

	// ioTimeout bounds reading one request body and writing one response
	// (or one batch of events): a client that stalls longer is dropped.
	ioTimeout = 10 * time.Second
	// shutdownWriteGrace is how long a response may still take to write
	// once shutdown has begun.
	shutdownWriteGrace = 250 * time.Millisecond
)

// config holds what tests shrink; New uses the protocol's values.
type config struct {
	logSize      int
	chatLogSize  int
	pingInterval time.Duration
	ioTimeout    time.Duration
}

var defaultConfig = config{logSize: LogSize, chatLogSize: ChatLogSize, pingInterval: PingInterval, ioTimeout: ioTimeout}

// service holds the handlers' shared state.
type service struct {
	env *server.Env
	cfg config
	log *msgLog
	// chat holds the chat rooms (chatrooms.go).
	chat *chatRooms
}

// New returns the REST server.
func New(env *server.Env) server.Server { return newServer(env, defaultConfig) }

func newServer(env *server.Env, cfg config) server.Server {
	s := &service{env: env, cfg: cfg, log: newLog(cfg.logSize), chat: newChatRooms(cfg.chatLogSize)}
	hs := server.NewHTTP(env, http.HandlerFunc(s.echo), http.HandlerFunc(s.broadcast))
	hs.Handle(PathPublish, http.HandlerFunc(s.publish))
	hs.Handle(PathPoll, http.HandlerFunc(s.poll))
	hs.Handle(PathEvents, http.HandlerFunc(s.events))
	hs.Handle(PathChat, http.HandlerFunc(s.chatRoom))
	return hs
}

// Header values shared by every response; net/http never modifies them.
var (
	hdrOctet = []string{"application/octet-stream"}
	hdrText  = []string{"text/plain; charset=utf-8"}
)

// bufPool holds echo body buffers.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

func (s *service) echo(w http.ResponseWriter, r *http.Request) {
	if !allow(w, r, server.PathEcho, http.MethodPost) {
		return
	}
	s.setDeadlines(w)
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	body, err := readBody(w, r, (*bp)[:0], s.env.MaxMessageSize)
	*bp = body[:0]
	if err != nil {
		bodyError(w, r, err)
		return
	}
	s.env.Stats.MsgsIn.Add(1)
	h := w.Header()
	h["Content-Type"] = hdrOctet
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	if _, err := w.Write(body); err != nil {
		return
	}
	s.env.Stats.MsgsOut.Add(1)
}

// broadcast serves /broadcast: POST publishes, GET polls.
func (s *service) broadcast(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != server.PathBroadcast {
		http.NotFound(w, r)
		return
	}
	switch r.Method {
	case http.MethodPost:
		s.publish(w, r)
	case http.MethodGet:
		s.poll(w, r)
	default:
		methodNotAllowed(w, "GET, POST")
	}
}

func (s *service) publish(w http.ResponseWriter, r *http.Request) {
	if !allow(w, r, "", http.MethodPost) {
		return
	}
	s.setDeadlines(w)
	var p []byte
	var err error
	if n := r.ContentLength; n >= 0 && n <= s.env.MaxMessageSize {
		p = make([]byte, n) // the log keeps it: exactly sized, not pooled
		_, err = io.ReadFull(r.Body, p)
	} else {
		bp := bufPool.Get().(*[]byte)
		p, err = readBody(w, r, (*bp)[:0], s.env.MaxMessageSize)
		*bp = p[:0]
		p = append([]byte(nil), p...)
		bufPool.Put(bp)
	}
	if err != nil {
		bodyError(w, r, err)
		return
	}
	seq := s.log.append(p)
	s.env.Stats.MsgsIn.Add(1)
	w.Header()["Content-Type"] = hdrText
	var b [24]byte
	_, _ = w.Write(append(strconv.AppendUint(b[:0], seq, 10), '\n'))
}

// setDeadlines bounds reading the body and writing the reply of a plain
// request (net/http clears them when the request ends).
func (s *service) setDeadlines(w http.ResponseWriter) {
	rc := http.NewResponseController(w)
	d := time.Now().Add(s.cfg.ioTimeout)
	_ = rc.SetReadDeadline(d)
	_ = rc.SetWriteDeadline(d)
}

// errTooBig reports a body above the size limit.
var errTooBig = errors.New("message larger than 16 MiB")

// readBody reads the whole request body into buf (growing it) and fails
// with errTooBig above max.
func readBody(w http.ResponseWriter, r *http.Request, buf []byte, max int64) ([]byte, error) {
	n := r.ContentLength
	if n > max {
		return buf, errTooBig
	}
	if n >= 0 { // net/http's body reader stops at exactly n bytes
		if int64(cap(buf)) < n {
			buf = make([]byte, 0, n)
		}
		buf = buf[:n]
		_, err := io.ReadFull(r.Body, buf)
		return buf, err
	}
	body := http.MaxBytesReader(w, r.Body, max)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		m, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// bodyError answers a failed body read: 413 above the limit, else 400.
func bodyError(w http.ResponseWriter, r *http.Request, err error) {
	var mbe *http.MaxBytesError
	if errors.Is(err, errTooBig) || errors.As(err, &mbe) {
		w.Header().Set("Connection", "close")
		http.Error(w, errTooBig.Error(), http.StatusRequestEntityTooLarge)
		server.DrainBody(w, r)
		return
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		http.Error(w, "timed out reading the request body", http.StatusRequestTimeout)
		return
	}
	http.Error(w, "incomplete request body", http.StatusBadRequest)
}

// allow answers 404 unless the path is exactly path (when path is not
// empty) and 405 unless the method is method; it reports whether the
// handler goes on.
func allow(w http.ResponseWriter, r *http.Request, path, method string) bool {
	if path != "" && r.URL.Path != path {
		http.NotFound(w, r)
		return false
	}
	if r.Method != method {
		methodNotAllowed(w, method)
		return false
	}
	return true
}

func methodNotAllowed(w http.ResponseWriter, allowed string) {
	w.Header().Set("Allow", allowed)
	http.Error(w, "method not allowed; use "+allowed, http.StatusMethodNotAllowed)
}
