package scenario

import (
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// pacer wakes the senders of an open loop on schedule: message k of the
// run is due at start + k/rate and belongs to sender k mod n, so the
// offered rate is spread evenly over senders and time. Senders compute
// their own due times (due); the pacer only wakes them.
//
// Go's timers wake an idle process with millisecond granularity (the
// netpoller's epoll timeout), which would add up to a millisecond of
// fake latency to an open loop measured from intended send times. The
// pacer therefore sleeps on a Linux timerfd registered with the netpoller:
// the wake-up is a file becoming readable, precise to tens of
// microseconds, with no extra thread. Without a timerfd it falls back to
// time.Sleep.
type pacer struct {
	start    int64   // ns since the run's epoch
	interval float64 // ns between consecutive messages of the run
	n        int     // senders
	base     int     // peer number of sender 0
	streams  int     // stream of sender 0 (broadcast agents: the agent's first)
	end      int64   // no message is due at or after end
	wake     []chan struct{}
	now      func() int64
}

// due is the intended send time of message j of sender i.
func (p *pacer) due(i int, j int64) int64 {
	return p.start + int64(float64(j*int64(p.n)+int64(i))*p.interval)
}

// run wakes senders until end or until stop is closed; it closes every
// wake channel when it returns, so that senders finish.
func (p *pacer) run(stop <-chan struct{}) {
	defer func() {
		for _, w := range p.wake {
			close(w)
		}
	}()
	sleep := newSleeper()
	defer sleep.close()
	var k int64
	for {
		due := p.start + int64(float64(k)*p.interval)
		if due >= p.end {
			return
		}
		if now := p.now(); due > now {
			if !sleep.sleep(time.Duration(due-now), stop) {
				return
			}
			continue
		}
		now := p.now()
		for due <= now && due < p.end {
			select {
			case p.wake[k%int64(p.n)] <- struct{}{}:
			default: // already woken; it will send everything due
			}
			k++
			due = p.start + int64(float64(k)*p.interval)
		}
		select {
		case <-stop:
			return
		default:
		}
	}
}

// sleeper sleeps precisely (timerfd) or coarsely (time.Timer).
type sleeper struct {
	fd    int
	f     *os.File
	timer *time.Timer
	buf   [8]byte
}

func newSleeper() *sleeper {
	s := &sleeper{fd: -1}
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err == nil {
		s.fd, s.f = fd, os.NewFile(uintptr(fd), "timerfd")
	}
	return s
}

// sleep waits for d; it returns false when stop was closed first.
func (s *sleeper) sleep(d time.Duration, stop <-chan struct{}) bool {
	select {
	case <-stop:
		return false
	default:
	}
	if s.f != nil {
		// At most 50 ms at a time so that stop is noticed.
		d = min(d, 50*time.Millisecond)
		its := unix.ItimerSpec{Value: unix.NsecToTimespec(int64(max(d, time.Microsecond)))}
		if err := unix.TimerfdSettime(s.fd, 0, &its, nil); err == nil {
			if _, err := s.f.Read(s.buf[:]); err == nil {
				return true
			}
		}
		s.f.Close() // broken: fall back
		s.f = nil
	}
	if s.timer == nil {
		s.timer = time.NewTimer(d)
	} else {
		s.timer.Reset(d)
	}
	select {
	case <-s.timer.C:
		return true
	case <-stop:
		s.timer.Stop()
		return false
	}
}

func (s *sleeper) close() {
	if s.f != nil {
		s.f.Close()
	}
}
