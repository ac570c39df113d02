package scenario

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/wsbench/wsbench/loadgen/histo"
	"github.com/wsbench/wsbench/loadgen/wire"
)

// Chat over WebSocket and SockJS runs on event loops, as echo does
// (loop.go), rather than on a goroutine per connection and one per
// publisher: a crowd of 19,000 members would otherwise wake a goroutine
// per delivery and a publisher's goroutine per publish, and on a loaded
// CPU the publishers then wake tens of milliseconds late. One loop owns a
// share of the members and of the publishers and, from one goroutine,
//
//   - publishes whatever of its publishers' messages has fallen due (the
//     schedule is the pacer's: message j of publisher k at start +
//     (j*publishers + k)/rate), stamped with its due time, one write per
//     publisher per wake-up; its one epoll_wait sleeps until Config.Spin
//     before the next due time, then polls;
//   - reads a member only when the kernel says it is readable, every whole
//     delivery buffered, and checks each (chatCheck) with scratch space of
//     the loop's, so that no delivery allocates.
//
// There are GOMAXPROCS loops; connection i belongs to loop i mod loops.

// chatPeer is a member as a chat loop sees it.
type chatPeer struct {
	*peer
	fd   int
	buf  []byte
	ck   chatChecker
	k    int    // publisher number, when a publisher
	room string // room name, when a publisher
	done bool
	// queued: a publish is queued, not flushed.
	queued bool
}

// chatLoop is one chat event loop.
type chatLoop struct {
	r      *runner
	epfd   int
	peers  []*chatPeer
	pubs   []*chatPeer // the loop's publishers in publisher order
	events []unix.EpollEvent
	rec    *histo.Recorder // delivery latency
	lag    *histo.Recorder // send lateness
	m      chatMsg
	want   []byte
	text   []byte
	msg    []byte
	active int // peers not done

	pc      *pacer // nil once sending is over
	next    int64  // position in the loop's schedule: publisher next mod len(pubs)
	dirty   []*chatPeer
	sending *sync.WaitGroup // Done once the loop stops sending
}

// runChatLoops starts the chat loops. sending is closed when every loop
// stopped sending (the measured interval is over or the run was cut
// short); reading when every loop returned, which they do once done is
// set (or the run is cut short, or every member failed).
func (r *runner) runChatLoops(peers []*peer, pubIDs [][]uint64, pc *pacer, done *atomic.Bool) (sending, reading <-chan struct{}) {
	cfg := r.cfg
	n := min(runtime.GOMAXPROCS(0), len(peers))
	var wgSend, wgRead sync.WaitGroup
	loops := make([]*chatLoop, 0, n)
	for range n {
		epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
		if err != nil {
			r.fail("epoll", err, true)
			break
		}
		loops = append(loops, &chatLoop{
			r: r, epfd: epfd, events: make([]unix.EpollEvent, 256),
			rec: r.lat.NewRecorder(), lag: r.lag.NewRecorder(), pc: pc, sending: &wgSend,
		})
	}
	if len(loops) == n {
		for i, p := range peers {
			room, rank := i/cfg.Members, i%cfg.Members
			cp := &chatPeer{peer: p, k: -1, ck: chatChecker{name: roomName(room), room: room, pubs: pubIDs[room]}}
			if rank < cfg.Publishers {
				cp.k, cp.room = room*cfg.Publishers+rank, cp.ck.name
			}
			if err := loops[i%n].add(cp); err != nil {
				r.fail("epoll", err, true)
			}
		}
	}
	for _, l := range loops {
		l.ck()
		wgSend.Add(1)
		wgRead.Add(1)
		go func() {
			defer wgRead.Done()
			defer l.close()
			l.run(done)
		}()
	}
	s, rd := make(chan struct{}), make(chan struct{})
	go func() { wgSend.Wait(); close(s) }()
	go func() { wgRead.Wait(); close(rd) }()
	return s, rd
}

// ck points every member's checker at the loop's scratch space.
func (l *chatLoop) ck() {
	for _, cp := range l.peers {
		cp.ck.m, cp.ck.want = &l.m, &l.want
	}
}

func (l *chatLoop) add(cp *chatPeer) error {
	fd, _ := wire.FD(cp.c)
	cp.fd = fd
	cp.firstM = -1
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLRDHUP, Fd: int32(len(l.peers))}
	if err := unix.EpollCtl(l.epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		return err
	}
	l.peers = append(l.peers, cp)
	if cp.k >= 0 {
		l.pubs = append(l.pubs, cp)
	}
	l.active++
	return nil
}

func (l *chatLoop) close() {
	l.stopSending()
	l.rec.Flush()
	l.lag.Flush()
	_ = unix.Close(l.epfd)
}

// run is the loop: publish what is due, wait for readiness or the next
// due time, read what is ready; until done is set.
func (l *chatLoop) run(done *atomic.Bool) {
	r := l.r
	spin := int64(r.cfg.Spin)
	for _, cp := range l.peers {
		_ = cp.c.SetReadDeadline(r.endOfRun().Add(1e9))
		_ = cp.c.SetWriteDeadline(r.endOfRun())
	}
	for l.active > 0 && !done.Load() && !r.aborted() {
		now := r.now()
		// Wake at least every 5 ms to notice done (50 ms while sending).
		wait := int64(5e6)
		if l.pc != nil {
			wait = 50e6
			// Every message due before t1 goes out, late if the loop was
			// held up past t1 (as in the echo loops).
			switch due := l.sendDue(now); {
			case now >= r.t1:
				l.stopSending()
				wait = 5e6
			case due < r.t1:
				wait = min(wait, sleepFor(due-r.now(), spin))
			default:
				wait = min(wait, r.t1-r.now())
			}
		}
		n, err := epollWait(l.epfd, l.events, max(wait, 0))
		if err != nil {
			r.fail("epoll", err, true)
			return
		}
		for _, ev := range l.events[:n] {
			if cp := l.peers[ev.Fd]; !cp.done {
				l.read(cp, done)
			}
		}
	}
}

// sendDue queues every publish due at or before now, flushes each
// publisher once, and returns the due time of the next one (MaxInt64 when
// no publisher is left).
func (l *chatLoop) sendDue(now int64) int64 {
	r, pc := l.r, l.pc
	np := int64(len(l.pubs))
	due := int64(math.MaxInt64)
	for tries := int64(0); tries < np; {
		cp := l.pubs[l.next%np]
		if cp.done {
			l.next++
			tries++
			continue
		}
		tries = 0
		due = pc.due(cp.k, cp.sent)
		if due > now || due >= r.t1 {
			break
		}
		seq := uint64(cp.sent) + 1
		l.text = chatText(l.text, cp.k, seq)
		l.msg = appendPublish(l.msg[:0], cp.room, seq, r.epochUnix+due, l.text)
		if err := cp.c.QueueMessage(false, l.msg); err != nil {
			r.connErr(cp.peer, "publish", err)
			l.finish(cp)
		} else {
			lag := l.lag
			if !r.measured(due) {
				lag = nil // warm-up: see chatSender
			}
			r.sentPaced(cp.peer, due, now, lag)
			if !cp.queued {
				cp.queued = true
				l.dirty = append(l.dirty, cp)
			}
		}
		l.next++
		due = math.MaxInt64
	}
	for _, cp := range l.dirty {
		cp.queued = false
		if err := cp.c.Flush(); err != nil && !cp.done {
			r.connErr(cp.peer, "publish", err)
			l.finish(cp)
		}
	}
	l.dirty = l.dirty[:0]
	return due
}

// stopSending ends the loop's publishing (once): every publisher's count
// is final.
func (l *chatLoop) stopSending() {
	if l.pc == nil {
		return
	}
	l.pc = nil
	for _, cp := range l.pubs {
		cp.final.Store(cp.sent)
	}
	l.sending.Done()
}

// read checks every whole delivery the member has buffered.
func (l *chatLoop) read(cp *chatPeer, done *atomic.Bool) {
	r := l.r
	for {
		_, b, err := cp.c.ReadMessage(cp.buf)
		if err != nil {
			if !done.Load() && !r.aborted() {
				r.connErr(cp.peer, "read", err)
			}
			l.finish(cp)
			return
		}
		cp.buf = b
		r.chatCheck(cp.peer, &cp.ck, b, r.now(), l.rec)
		if !cp.c.Buffered() {
			return
		}
	}
}

// finish takes cp out of the loop.
func (l *chatLoop) finish(cp *chatPeer) {
	if cp.done {
		return
	}
	cp.done = true
	l.active--
	_ = unix.EpollCtl(l.epfd, unix.EPOLL_CTL_DEL, cp.fd, nil)
}
