// Package procstat reads a process's CPU time and resident memory from
// /proc (github.com/prometheus/procfs) and watches its peak RSS.
//
// CPU time is user + system of all threads, in clock ticks (10 ms); over a
// measured interval of seconds that is well under 1% of error.
package procstat

import (
	"fmt"
	"sync"
	"time"

	"github.com/prometheus/procfs"
)

// Sample is one reading of a process.
type Sample struct {
	At  time.Time
	CPU float64 // CPU-seconds (user + system) since the process started
	RSS int64   // resident set size, bytes
}

// Proc is a process to read; see Open.
type Proc struct {
	PID  int // 0 for this process
	proc procfs.Proc
}

// Open finds the process pid (0: this process).
func Open(pid int) (*Proc, error) {
	fs, err := procfs.NewDefaultFS()
	if err != nil {
		return nil, fmt.Errorf("procfs: %w", err)
	}
	var p procfs.Proc
	if pid == 0 {
		p, err = fs.Self()
	} else {
		p, err = fs.Proc(pid)
	}
	if err != nil {
		return nil, fmt.Errorf("process %d: %w", pid, err)
	}
	return &Proc{PID: pid, proc: p}, nil
}

// Read takes a sample.
func (p *Proc) Read() (Sample, error) {
	st, err := p.proc.Stat()
	if err != nil {
		return Sample{}, fmt.Errorf("process %d: %w", p.PID, err)
	}
	return Sample{At: time.Now(), CPU: st.CPUTime(), RSS: int64(st.ResidentMemory())}, nil
}

// Util is CPU-seconds per wall-second between two samples (1.0: one core
// fully busy).
func Util(a, b Sample) float64 {
	wall := b.At.Sub(a.At).Seconds()
	if wall <= 0 {
		return 0
	}
	return (b.CPU - a.CPU) / wall
}

// Monitor samples a process's RSS periodically and keeps the peak.
type Monitor struct {
	p    *Proc
	stop chan struct{}
	done chan struct{}

	mu   sync.Mutex
	peak int64
	last Sample
	err  error
}

// Watch starts sampling p every period until Stop.
func Watch(p *Proc, period time.Duration) *Monitor {
	m := &Monitor{p: p, stop: make(chan struct{}), done: make(chan struct{})}
	m.sample()
	go func() {
		defer close(m.done)
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-m.stop:
				return
			case <-t.C:
				m.sample()
			}
		}
	}()
	return m
}

func (m *Monitor) sample() {
	s, err := m.p.Read()
	m.mu.Lock()
	defer m.mu.Unlock()
	if err != nil {
		if m.err == nil {
			m.err = err
		}
		return
	}
	m.last = s
	m.peak = max(m.peak, s.RSS)
}

// Peak is the largest RSS seen so far, and the first read error if any
// (the process may have exited).
func (m *Monitor) Peak() (int64, error) {
	m.sample()
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.peak, m.err
}

// Stop ends the sampling.
func (m *Monitor) Stop() {
	close(m.stop)
	<-m.done
}
