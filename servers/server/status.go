package server

import (
	"encoding/json"
	"net/http"
	"sync/atomic"
)

// Status answers /healthz and /stats. Servers built on NewHTTP get it for
// free; those that bring their own HTTP stack (fasthttp, hertz, nbio) ask it
// for the status code and body to send.
type Status struct {
	env   *Env
	ready atomic.Bool
}

// NewStatus returns the /healthz and /stats answers for env; it is not
// ready until SetReady(true).
func NewStatus(env *Env) *Status { return &Status{env: env} }

// SetReady switches /healthz between 200 (serving) and 503 (starting or
// shutting down).
func (s *Status) SetReady(ok bool) { s.ready.Store(ok) }

// Health returns the status code and body of /healthz.
func (s *Status) Health() (int, string) {
	if !s.ready.Load() {
		return http.StatusServiceUnavailable, "starting\n"
	}
	return http.StatusOK, "ok\n"
}

// StatsJSON returns the body of /stats (Content-Type application/json).
func (s *Status) StatsJSON() []byte {
	b, _ := json.Marshal(s.env.Stats.Snapshot()) // a struct of int64: cannot fail
	return append(b, '\n')
}

// ServeHTTP answers /healthz and /stats for net/http based servers; any
// other path is a 404.
func (s *Status) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case PathHealth:
		code, body := s.Health()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(code)
		_, _ = w.Write([]byte(body))
	case PathStats:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(s.StatsJSON())
	default:
		http.NotFound(w, r)
	}
}
