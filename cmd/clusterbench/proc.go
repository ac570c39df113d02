package main

import (
	"bufio"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// child is a process started by clusterbench: a server node or the broker.
type child struct {
	name   string
	cmd    *exec.Cmd
	addr   string // what it printed after marker
	exited chan struct{}
}

// startChild runs bin with args and waits until its stderr has a line
// containing marker; the rest of that line is its address. Its output
// goes on to log.
func startChild(name, bin string, args []string, marker string, log io.Writer) (*child, error) {
	cmd := exec.Command(bin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	cmd.Stdout = log
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	c := &child{name: name, cmd: cmd, exited: make(chan struct{})}
	found := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(stderr)
		sent := false
		for lines.Scan() {
			fmt.Fprintf(log, "%s: %s\n", name, lines.Text())
			if _, a, ok := strings.Cut(lines.Text(), marker); ok && !sent {
				found <- strings.TrimSpace(a)
				sent = true
			}
		}
		_ = cmd.Wait()
		close(c.exited)
	}()
	select {
	case c.addr = <-found:
		return c, nil
	case <-c.exited:
		return nil, fmt.Errorf("%s exited before it was ready (see the log)", name)
	case <-time.After(30 * time.Second):
		c.stop()
		return nil, fmt.Errorf("%s: not ready after 30s", name)
	}
}

// stop sends SIGTERM, kills after 10 s, and reaps the process.
func (c *child) stop() {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(10 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
	}
}
