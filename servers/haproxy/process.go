package haproxy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Proc is a running haproxy.
type Proc struct {
	// Addr is where the frontend listens.
	Addr   string
	cmd    *exec.Cmd
	stderr bytes.Buffer
	exited chan struct{}
	err    error // the process's exit status, once exited is closed
}

// Installed reports whether an haproxy binary is on the PATH.
func Installed() bool {
	_, err := exec.LookPath("haproxy")
	return err == nil
}

// Start writes cfg to dir and runs haproxy in the foreground with it,
// frontend on addr (as written in cfg), and waits until the frontend
// accepts connections or ctx ends.
func Start(ctx context.Context, dir, addr, cfg string) (*Proc, error) {
	path := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		return nil, fmt.Errorf("haproxy: %w", err)
	}
	if out, err := exec.CommandContext(ctx, "haproxy", "-c", "-q", "-f", path).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("haproxy: configuration refused: %s: %w", strings.TrimSpace(string(out)), err)
	}
	p := &Proc{Addr: addr, exited: make(chan struct{})}
	p.cmd = exec.Command("haproxy", "-db", "-f", path)
	p.cmd.Stderr = &p.stderr
	p.cmd.Stdout = &p.stderr
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("haproxy: %w", err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	if err := p.waitReady(ctx); err != nil {
		p.Stop()
		return nil, err
	}
	return p, nil
}

// waitReady dials the frontend until it answers, the process exits or ctx
// ends.
func (p *Proc) waitReady(ctx context.Context) error {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		c, err := net.DialTimeout("tcp", p.Addr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case <-p.exited:
			return fmt.Errorf("haproxy exited before listening: %s: %w", strings.TrimSpace(p.stderr.String()), p.err)
		case <-ctx.Done():
			return fmt.Errorf("haproxy: not listening on %s: %w", p.Addr, ctx.Err())
		case <-tick.C:
		}
	}
}

// Stop ends haproxy (SIGTERM, then SIGKILL after 5 s) and reaps it.
func (p *Proc) Stop() error {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
	var ee *exec.ExitError
	if p.err != nil && !errors.As(p.err, &ee) {
		return fmt.Errorf("haproxy: %w", p.err)
	}
	return nil
}

// FreeAddr returns a loopback address with a port that was free a moment
// ago (for a frontend; another process may take it in between).
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("haproxy: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
