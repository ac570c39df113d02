//go:build linux

// Package epoll is a small readiness poller on Linux epoll for servers that
// keep no goroutine per idle connection. Each registered descriptor is
// armed for one read event at a time (EPOLLIN|EPOLLONESHOT): when it fires,
// its ready function runs on the poller's goroutine (it should hand the
// work to a worker and return), and the descriptor stays quiet until the
// owner calls Rearm. Close wakes the waiting goroutine through an eventfd.
//
// The descriptors stay owned by their net.Conn (taken with
// SyscallConn().Control); the poller never reads, writes or closes them.
package epoll

import (
	"encoding/binary"
	"errors"
	"sync"

	"golang.org/x/sys/unix"
)

// ErrClosed is returned by Run after Close, and by calls on a closed poller.
var ErrClosed = errors.New("epoll: poller closed")

const armed = unix.EPOLLIN | unix.EPOLLRDHUP | unix.EPOLLONESHOT

// Poller waits for read readiness on many descriptors.
type Poller struct {
	epfd int
	wake int // eventfd written by Close

	mu     sync.Mutex
	fds    map[int32]entry
	gen    uint32 // tells a registration from an older one of the same fd
	closed bool
}

type entry struct {
	gen   uint32
	ready func()
}

// New creates a poller.
func New() (*Poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	wake, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		unix.Close(epfd)
		return nil, err
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(wake)}
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, wake, &ev); err != nil {
		unix.Close(epfd)
		unix.Close(wake)
		return nil, err
	}
	return &Poller{epfd: epfd, wake: wake, fds: make(map[int32]entry)}, nil
}

// Add registers fd, armed: ready is called once when fd becomes readable
// (or the peer hangs up), then again only after Rearm.
func (p *Poller) Add(fd int, ready func()) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return ErrClosed
	}
	p.gen++
	p.fds[int32(fd)] = entry{gen: p.gen, ready: ready}
	ev := unix.EpollEvent{Events: armed, Fd: int32(fd), Pad: int32(p.gen)}
	if err := unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		delete(p.fds, int32(fd))
		return err
	}
	return nil
}

// Rearm arms fd for its next read event. Call it only once everything
// already received has been consumed: bytes left in a user-space buffer
// raise no new event.
func (p *Poller) Rearm(fd int) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return ErrClosed
	}
	e, ok := p.fds[int32(fd)]
	if !ok {
		return unix.ENOENT
	}
	ev := unix.EpollEvent{Events: armed, Fd: int32(fd), Pad: int32(e.gen)}
	return unix.EpollCtl(p.epfd, unix.EPOLL_CTL_MOD, fd, &ev)
}

// Remove unregisters fd. Call it before the descriptor is closed, so that
// a later descriptor with the same number is never confused with it.
func (p *Poller) Remove(fd int) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.fds[int32(fd)]; !ok {
		return unix.ENOENT
	}
	delete(p.fds, int32(fd))
	if p.closed {
		return nil // the epoll instance is gone with its registrations
	}
	return unix.EpollCtl(p.epfd, unix.EPOLL_CTL_DEL, fd, nil)
}

// Len is the number of registered descriptors.
func (p *Poller) Len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.fds)
}

// Run waits for events and calls the ready functions until Close; it then
// returns ErrClosed. Events of descriptors removed meanwhile, and of older
// registrations of a reused descriptor number, are dropped.
func (p *Poller) Run() error {
	events := make([]unix.EpollEvent, 256)
	defer func() {
		p.mu.Lock()
		unix.Close(p.epfd)
		unix.Close(p.wake)
		p.mu.Unlock()
	}()
	for {
		n, err := unix.EpollWait(p.epfd, events, -1)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return err
		}
		for _, ev := range events[:n] {
			if int(ev.Fd) == p.wake {
				return ErrClosed
			}
			p.mu.Lock()
			e, ok := p.fds[ev.Fd]
			p.mu.Unlock()
			if ok && e.gen == uint32(ev.Pad) {
				e.ready()
			}
		}
	}
}

// Close wakes Run, which then returns and releases the epoll instance.
// Registered descriptors are not touched.
func (p *Poller) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	var one [8]byte
	binary.NativeEndian.PutUint64(one[:], 1) // an eventfd counter is host-endian
	_, err := unix.Write(p.wake, one[:])
	return err
}
