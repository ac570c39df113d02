// Package inproc runs a registered server inside the calling process on a
// free loopback port, for tools and tests that drive it over the network
// (the conformance run). Unlike servertest.Start it needs no testing.TB
// and takes the Env, so a caller can change the limits first.
package inproc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/wsbench/wsbench/servers/server"
)

// Server is a running server.
type Server struct {
	Addr   string // host:port
	srv    server.Server
	served chan error
}

// Start serves srv on 127.0.0.1 and returns once /healthz answers 200.
func Start(srv server.Server) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	s := &Server{Addr: ln.Addr().String(), srv: srv, served: make(chan error, 1)}
	go func() { s.served <- srv.Serve(ln) }()
	if err := s.waitHealthy(10 * time.Second); err != nil {
		_ = s.Stop()
		return nil, err
	}
	return s, nil
}

func (s *Server) waitHealthy(limit time.Duration) error {
	cl := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(limit)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		resp, err := cl.Get("http://" + s.Addr + server.PathHealth)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-s.served:
			if err == nil {
				return errors.New("server stopped before it was healthy")
			}
			return fmt.Errorf("server stopped before it was healthy: %w", err)
		case <-tick.C:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("server at %s not healthy after %v", s.Addr, limit)
		}
	}
}

// Stop shuts the server down and waits (5 s at most) for Serve to return.
func (s *Server) Stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	select {
	case e := <-s.served:
		if err == nil {
			err = e
		}
	case <-ctx.Done():
		if err == nil {
			err = fmt.Errorf("Serve did not return after Shutdown")
		}
	}
	return err
}
