package scenario

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/wsbench/wsbench/loadgen/histo"
	"github.com/wsbench/wsbench/loadgen/wire"
)

// The echo scenarios over WebSocket and SockJS run on event loops rather
// than on goroutines per connection. One loop owns a share of the
// connections and does everything for them from one goroutine:
//
//   - it waits for all of them at once with one epoll_wait, whose timeout is
//     the next paced send (epoll_pwait2 gives it nanosecond precision), so no
//     timer and no goroutine wakes up per message;
//   - open loop: a sleeping thread wakes late (on a VM 0.5 ms at p50 and
//     2 ms at p99), which would be the same order as the latencies
//     measured. So the loop sleeps only until Config.Spin before the next
//     due time and then busy-polls epoll with a zero timeout (reading what
//     arrives) until the message is due: it is late by the time of one
//     poll, not of one wake-up. The load generator runs on CPUs of its
//     own, so its CPU use then says nothing about keeping up: the send
//     lag does. (The loop does not lock its thread: with one CPU, a
//     goroutine that preempts a locked loop would hand the CPU back
//     through a thread wake-up, the very lateness spinning avoids.)
//   - open loop: on each wake-up it sends every message that has fallen due
//     since the last one, stamped with its intended send time, and writes
//     each connection's due messages with one write;
//   - it reads a connection only when the kernel says it is readable, and
//     then takes every whole message buffered, so one read syscall serves as
//     many echoes as have arrived;
//   - closed loop: a connection's window is written again, whole, in one
//     write, once every message of it has been answered (see refillAll).
//
// There are GOMAXPROCS loops; connection i belongs to loop i mod loops.

// loopPeer is a connection as a loop sees it.
type loopPeer struct {
	*peer
	fd     int
	buf    []byte
	queued bool // in the loop's dirty list
	done   bool
}

// inflight is the number of messages written and not yet answered. Echoes
// come back in order, so a message is answered once it or a later one was
// read: a lost message does not hold its window back (it is counted as
// lost at the end).
func (lp *loopPeer) inflight() int64 { return lp.sent - int64(lp.stream.Next()) }

// evloop is one event loop.
type evloop struct {
	r      *runner
	epfd   int
	peers  []*loopPeer
	events []unix.EpollEvent
	rec    *histo.Recorder // round-trip latency
	lag    *histo.Recorder // open loop: send lateness
	msg    []byte
	active int // peers not done

	// open loop schedule: the loop's messages in order of their due
	// times; position k is message k/len(peers) of peers[k%len(peers)].
	open  bool
	pc    *pacer // nil once sending is over
	next  int64
	dirty []*loopPeer
}

// loopable reports whether every peer can be driven by an event loop.
func loopable(peers []*peer) bool {
	for _, p := range peers {
		if _, ok := wire.FD(p.c); !ok {
			return false
		}
	}
	return true
}

// runLoops drives the echo peers on GOMAXPROCS event loops (open loop when
// pc is not nil) and returns when every loop is done.
func (r *runner) runLoops(peers []*peer, pc *pacer) {
	n := min(runtime.GOMAXPROCS(0), len(peers))
	loops := make([]*evloop, n)
	for i := range loops {
		l, err := r.newLoop(pc)
		if err != nil {
			r.fail("epoll", err, true)
			for _, l := range loops[:i] {
				l.close()
			}
			return
		}
		loops[i] = l
	}
	for i, p := range peers {
		if err := loops[i%n].add(p); err != nil {
			r.fail("epoll", err, true)
		}
	}
	var wg sync.WaitGroup
	for _, l := range loops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer l.close()
			l.run()
		}()
	}
	wg.Wait()
}

func (r *runner) newLoop(pc *pacer) (*evloop, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	return &evloop{
		r:      r,
		epfd:   epfd,
		events: make([]unix.EpollEvent, 256),
		rec:    r.lat.NewRecorder(),
		lag:    r.lag.NewRecorder(),
		msg:    r.fmt.New(),
		open:   pc != nil,
		pc:     pc,
	}, nil
}

func (l *evloop) add(p *peer) error {
	fd, _ := wire.FD(p.c)
	lp := &loopPeer{peer: p, fd: fd, buf: make([]byte, 0, l.r.cfg.Size+64)}
	p.firstM = -1
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLRDHUP, Fd: int32(len(l.peers))}
	if err := unix.EpollCtl(l.epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		return err
	}
	l.peers = append(l.peers, lp)
	l.active++
	return nil
}

func (l *evloop) close() {
	l.rec.Flush()
	l.lag.Flush()
	_ = unix.Close(l.epfd)
}

// run is the loop: send what is due, wait for readiness or the next due
// time, read what is ready; until every peer is done or the drain ends.
func (l *evloop) run() {
	r := l.r
	spin := int64(r.cfg.Spin)
	end := r.t1 + int64(r.cfg.Drain)
	for _, lp := range l.peers {
		_ = lp.c.SetReadDeadline(r.endOfRun())
		_ = lp.c.SetWriteDeadline(r.endOfRun())
		if !l.open {
			l.refill(lp)
		}
	}
	for l.active > 0 && !r.aborted() {
		now := r.now()
		wait := end - now
		if wait <= 0 {
			return // drain over: what is missing counts as lost
		}
		next := end // due time of the next message to send
		if l.pc != nil {
			// Every message due before t1 goes out, late if the loop was
			// held up past t1: dropping them would hide the stall from
			// the latencies (and short the rate sent).
			switch due := l.sendDue(now); {
			case now >= r.t1:
				l.stopSending()
			case due < r.t1:
				next = due
				wait = min(wait, sleepFor(due-r.now(), spin))
			default:
				wait = min(wait, r.t1-r.now())
			}
		}
		// Wake at least every 50 ms to notice an aborted run.
		n, err := epollWait(l.epfd, l.events, max(min(wait, 50e6), 0))
		if err != nil {
			r.fail("epoll", err, true)
			return
		}
		for _, ev := range l.events[:n] {
			lp := l.peers[ev.Fd]
			if !lp.done {
				l.read(lp)
			}
			// A burst of echoes (a server let off its CPU quota writes
			// milliseconds' worth at once) takes a while to read: send
			// what fell due meanwhile rather than after the last read.
			if next < end {
				if now := r.now(); now >= next && now < r.t1 {
					if next = l.sendDue(now); next >= r.t1 {
						next = end
					}
				}
			}
		}
		if !l.open {
			l.refillAll()
		}
	}
}

// sleepFor is how long to block in epoll when the next send is due in d:
// until spin before it, then not at all (the caller polls until it is
// due).
func sleepFor(d, spin int64) int64 {
	if d <= spin {
		return 0
	}
	return d - spin
}

// sendDue queues every message due at or before now on its connection,
// flushes each connection once, and returns the due time of the next one.
func (l *evloop) sendDue(now int64) int64 {
	r, pc := l.r, l.pc
	np := int64(len(l.peers))
	due := int64(0)
	for l.active > 0 {
		lp := l.peers[l.next%np]
		if lp.done {
			l.next++
			continue
		}
		due = pc.due(lp.i, lp.sent)
		if due > now || due >= r.t1 {
			break
		}
		r.fmt.Stamp(l.msg, uint64(lp.sent), due, uint32(lp.i))
		if err := lp.c.QueueMessage(true, l.msg); err != nil {
			r.connErr(lp.peer, "write", err)
			l.finish(lp)
		} else {
			r.sentPaced(lp.peer, due, now, l.lag)
			if !lp.queued {
				lp.queued = true
				l.dirty = append(l.dirty, lp)
			}
		}
		l.next++
	}
	for _, lp := range l.dirty {
		lp.queued = false
		if err := lp.c.Flush(); err != nil && !lp.done {
			r.connErr(lp.peer, "write", err)
			l.finish(lp)
		}
	}
	l.dirty = l.dirty[:0]
	return due
}

// stopSending ends the open loop's sending: peers whose every message was
// answered are done.
func (l *evloop) stopSending() {
	l.pc = nil
	for _, lp := range l.peers {
		lp.final.Store(lp.sent)
		if !lp.done && lp.seen.Load() >= lp.sent {
			l.finish(lp)
		}
	}
}

// read takes every whole message the connection has buffered (one read
// syscall brings in as many as have arrived), then, in a closed loop,
// writes their replacements in one write.
func (l *evloop) read(lp *loopPeer) {
	r := l.r
	for {
		_, m, err := lp.c.ReadMessage(lp.buf)
		if err != nil {
			if !r.quietEnd(err) {
				r.connErr(lp.peer, "read", err)
			}
			l.finish(lp)
			return
		}
		lp.buf = m
		if r.checkEcho(lp.peer, m, r.now(), l.rec) {
			lp.seen.Add(1)
		}
		if !lp.c.Buffered() {
			break
		}
	}
	switch {
	case l.open:
		if f := lp.final.Load(); f >= 0 && lp.seen.Load() >= f {
			l.finish(lp)
		}
	case lp.inflight() <= 0 && !lp.queued:
		lp.queued = true
		l.dirty = append(l.dirty, lp)
	}
}

// refillAll writes a new window on every connection whose window was
// answered in this round, one write each, after every ready connection was
// read.
//
// Why whole windows: a server that serves whichever connection has data
// (a goroutine that finds its next message already in the socket does not
// park) keeps serving a connection whose replacements arrive before it has
// echoed what it holds. A client that answers each echo at once, quickly,
// therefore creates a convoy: a few connections get most of the throughput
// with microsecond latencies while the rest wait tens of milliseconds.
// Writing the next window only once the whole window came back lets the
// server's reader find the socket empty and move on, as it does with an
// ordinary goroutine-per-connection client (compared in loadgen/README.md).
func (l *evloop) refillAll() {
	for _, lp := range l.dirty {
		lp.queued = false
		if lp.done {
			continue
		}
		l.refill(lp)
		if !lp.done && lp.inflight() <= 0 {
			l.finish(lp) // the measured interval is over and all came back
		}
	}
	l.dirty = l.dirty[:0]
}

// refill writes a window of new messages in one write, stamped now, while
// the measured interval lasts.
func (l *evloop) refill(lp *loopPeer) {
	r := l.r
	now := r.now()
	if now >= r.t1 {
		return
	}
	for k := r.cfg.Window; k > 0; k-- {
		r.fmt.Stamp(l.msg, uint64(lp.sent), now, uint32(lp.i))
		if err := lp.c.QueueMessage(true, l.msg); err != nil {
			r.connErr(lp.peer, "write", err)
			l.finish(lp)
			return
		}
		lp.sent++
		if r.measured(now) {
			lp.sentM++
		}
	}
	if err := lp.c.Flush(); err != nil {
		r.connErr(lp.peer, "write", err)
		l.finish(lp)
	}
}

// finish takes lp out of the loop.
func (l *evloop) finish(lp *loopPeer) {
	if lp.done {
		return
	}
	lp.done = true
	l.active--
	_ = unix.EpollCtl(l.epfd, unix.EPOLL_CTL_DEL, lp.fd, nil)
}

// epollWait waits up to timeout ns. It uses epoll_pwait2 (Linux 5.11+),
// whose timeout is a timespec; on older kernels epoll_wait, rounding the
// timeout up to whole milliseconds.
func epollWait(epfd int, events []unix.EpollEvent, timeout int64) (int, error) {
	for {
		if !noPwait2.Load() {
			ts := unix.NsecToTimespec(timeout)
			n, _, e := unix.Syscall6(unix.SYS_EPOLL_PWAIT2, uintptr(epfd), uintptr(unsafe.Pointer(&events[0])),
				uintptr(len(events)), uintptr(unsafe.Pointer(&ts)), 0, 0)
			switch e {
			case 0:
				return int(n), nil
			case unix.EINTR:
				continue
			case unix.ENOSYS:
				noPwait2.Store(true)
			default:
				return 0, e
			}
		}
		n, err := unix.EpollWait(epfd, events, int((timeout+999_999)/1_000_000))
		if errors.Is(err, unix.EINTR) {
			continue
		}
		return n, err
	}
}

// noPwait2 is set once epoll_pwait2 turned out to be missing.
var noPwait2 atomic.Bool
