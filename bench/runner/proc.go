package runner

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// live holds every child that has been started and not yet reaped, so that
// KillAll can end them whatever path the bench leaves by.
var live = struct {
	sync.Mutex
	m map[*child]struct{}
}{m: map[*child]struct{}{}}

// KillAll sends SIGKILL to the process group of every child still running,
// waits (briefly) for them to be reaped and removes the run's CPU quota
// cgroup. Safe to call at any time and
// more than once.
func KillAll() {
	live.Lock()
	var cs []*child
	for c := range live.m {
		cs = append(cs, c)
	}
	live.Unlock()
	for _, c := range cs {
		c.kill()
	}
	for _, c := range cs {
		select {
		case <-c.done:
		case <-time.After(5 * time.Second):
		}
	}
	removeQuotas()
}

// child is a process started in its own process group, with stdout and
// stderr going to a log file. It dies with the bench (Pdeathsig) if the
// bench itself is killed.
type child struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{} // closed once the process is reaped
	err  error         // Wait's error, valid after done
}

func startChild(name string, argv, env []string, logPath string) (*child, error) {
	if len(argv) == 0 {
		return nil, fmt.Errorf("%s: empty command", name)
	}
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	defer f.Close() // the child holds its own copy
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	cmd.Stdout = f
	cmd.Stderr = f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	c := &child{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	live.Lock()
	if err := cmd.Start(); err != nil {
		live.Unlock()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	live.m[c] = struct{}{}
	live.Unlock()
	go func() {
		// Wait for the exit without reaping: while the leader is a zombie its
		// pid, and so its group id, cannot be reused. Anything it left in
		// its group goes too, then the leader is reaped.
		pid := cmd.Process.Pid
		var info unix.Siginfo
		for unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil) == unix.EINTR {
		}
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		c.err = cmd.Wait()
		live.Lock()
		delete(live.m, c)
		live.Unlock()
		close(c.done)
	}()
	return c, nil
}

func (c *child) pid() int { return c.cmd.Process.Pid }

func (c *child) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// signal sends sig to the child's whole process group.
func (c *child) signal(sig syscall.Signal) {
	if c.exited() {
		return
	}
	_ = syscall.Kill(-c.pid(), sig)
}

func (c *child) kill() { c.signal(syscall.SIGKILL) }

// stop asks the group to terminate, waits up to grace, then kills it. It
// reports whether SIGKILL was needed.
func (c *child) stop(grace time.Duration) (killed bool) {
	c.signal(syscall.SIGTERM)
	select {
	case <-c.done:
		return false
	case <-time.After(grace):
	}
	c.kill()
	<-c.done
	return true
}

// exitText describes how the child ended.
func (c *child) exitText() string {
	if c.err == nil {
		return "exit status 0"
	}
	var ee *exec.ExitError
	if errors.As(c.err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return "killed by " + ws.Signal().String()
		}
	}
	return c.err.Error()
}

// exitCode is the child's exit status, -1 if it was killed by a signal.
func (c *child) exitCode() int {
	if c.err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(c.err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

// tail returns the last lines of the child's log, on one line, for error
// messages.
func (c *child) tail() string { return logTail(c.log, 600) }

func logTail(path string, max int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > max {
		_, _ = f.Seek(fi.Size()-max, io.SeekStart)
	}
	b, _ := io.ReadAll(f)
	s := strings.TrimSpace(string(b))
	s = strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " | ")), " ")
	return s
}
