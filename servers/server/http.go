package server

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// HTTPServer serves a library's echo and broadcast handlers with net/http,
// adding /healthz and /stats. Handlers that hijack the connection must Track
// it in the Env so that Shutdown can close it with CloseGoingAway.
type HTTPServer struct {
	env    *Env
	mux    *http.ServeMux
	srv    *http.Server
	status *Status
}

// NewHTTP builds the common HTTP server around two handlers. Each handler
// also receives the sub-paths of its prefix (SockJS sessions live there).
func NewHTTP(env *Env, echo, broadcast http.Handler) *HTTPServer {
	mux := http.NewServeMux()
	s := &HTTPServer{env: env, mux: mux, status: NewStatus(env)}
	mux.Handle(PathEcho, echo)
	mux.Handle(PathEcho+"/", echo)
	mux.Handle(PathBroadcast, broadcast)
	mux.Handle(PathBroadcast+"/", broadcast)
	mux.Handle(PathStats, s.status)
	mux.Handle(PathHealth, s.status)
	s.srv = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          quietLog(),
	}
	return s
}

// Handle registers an extra route (a ServeMux pattern) beside the common
// ones, for servers with more endpoints than echo and broadcast (the REST
// baseline). Call it before Serve.
func (s *HTTPServer) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// Serve implements Server.
func (s *HTTPServer) Serve(ln net.Listener) error {
	s.status.SetReady(true)
	err := s.srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown implements Server: the listener closes first, then every
// WebSocket connection gets CloseGoingAway and plain HTTP requests finish.
func (s *HTTPServer) Shutdown(ctx context.Context) error {
	s.status.SetReady(false)
	done := make(chan error, 1)
	go func() { done <- s.srv.Shutdown(ctx) }()
	err := s.env.CloseAll(ctx, CloseGoingAway, "server shutting down")
	if herr := <-done; err == nil {
		err = herr
	}
	return err
}
