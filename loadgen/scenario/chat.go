package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/wsbench/wsbench/loadgen/histo"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wsbench/wsbench/loadgen/payload"
	"github.com/wsbench/wsbench/loadgen/wire"
)

// PathChat is where servers speak the chat protocol
// (servers/chat/PROTOCOL.md).
const PathChat = "/chat"

// checkChat validates a chat run and sets Conns to Rooms x Members.
func (c *Config) checkChat() error {
	def(&c.Rooms, DefaultRooms)
	def(&c.Members, DefaultMembers)
	def(&c.Publishers, DefaultPublishers)
	switch {
	case c.Proto != wire.WS && c.Proto != wire.SockJS && c.Proto != wire.HTTP:
		return usage("-scenario chat needs a WebSocket, SockJS or REST server (-proto ws, sockjs or http), not %s", c.Proto)
	case c.Transport != "" && c.Transport != wire.WebSocket:
		return usage("-scenario chat uses the websocket transport only")
	case c.Rooms < 1 || c.Members < 1:
		return usage("-rooms and -members must be at least 1")
	case c.Publishers > c.Members:
		return usage("-publishers %d: at most -members (%d) publishers per room", c.Publishers, c.Members)
	case c.Rate <= 0:
		return usage("-scenario chat needs -rate (messages per second per publisher)")
	case c.Conns != 0 && c.Conns != c.Rooms*c.Members:
		return usage("-conns %d: chat has -rooms x -members = %d connections; leave -conns out", c.Conns, c.Rooms*c.Members)
	}
	c.Conns = c.Rooms * c.Members
	return nil
}

// chatIn is what a member receives (the fields the check reads).
type chatIn struct {
	Type string `json:"type"`
	Room string `json:"room"`
	ID   uint64 `json:"id"`
	From uint64 `json:"from"`
	Seq  uint64 `json:"seq"`
	TS   int64  `json:"ts"`
	Text string `json:"text"`
}

func roomName(i int) string { return "r" + strconv.Itoa(i) }

// runChat: Rooms x Members connections on /chat, connection i in room
// i / Members; the first Publishers members of each room publish Rate
// messages per second each (open loop, stamped with their intended send
// times as unix nanoseconds), and every member, publishers included,
// checks every message of every publisher of its room: lost, duplicated,
// reordered (per publisher and receiver), and the text, which a
// deterministic generator (chatText) gives for each publisher and
// sequence number. I/O is one goroutine per connection for reading and
// one per publisher for sending.
func (r *runner) runChat() {
	cfg := r.cfg
	nPubs := cfg.Rooms * cfg.Publishers
	r.res.Rooms, r.res.Members, r.res.Publishers = cfg.Rooms, cfg.Members, cfg.Publishers
	r.res.RateTarget = cfg.Rate * float64(nPubs)
	r.res.PayloadBytes = 0 // sizes vary (chatText)
	if r.server != nil {
		if base, err := r.server.Read(); err == nil {
			r.baseRSS = base.RSS
		}
	}
	peers := r.chatDial() // chatrest.go
	if peers == nil {
		return
	}
	r.res.Connected = int64(len(peers))
	ids := make([]uint64, len(peers))
	parallel(len(peers), cfg.DialConcurrency, func(i int) {
		if !r.aborted() {
			ids[i] = r.chatJoin(peers[i], roomName(i/cfg.Members))
		}
	})
	if r.aborted() {
		return
	}
	// pubIDs[room][rank] is the connection id of the room's publisher rank.
	pubIDs := make([][]uint64, cfg.Rooms)
	for room := range pubIDs {
		pubIDs[room] = ids[room*cfg.Members : room*cfg.Members+cfg.Publishers]
	}
	r.epochUnix = r.epoch.UnixNano()
	for _, p := range peers {
		p.streams = make([]payload.Stream, cfg.Publishers)
	}
	r.txPeers, r.rxPeers = peers, peers
	r.startClock()

	pc := &pacer{start: r.tStart, interval: 1e9 / r.res.RateTarget, n: nPubs, end: r.t1, now: r.now}
	var done atomic.Bool
	pubs := make([]*peer, 0, nPubs)
	for i, p := range peers {
		if i%cfg.Members < cfg.Publishers {
			pubs = append(pubs, p)
		}
	}
	var stopReading func()
	if loopable(peers) && !chatOnGoroutines {
		sending, reading := r.runChatLoops(peers, pubIDs, pc, &done)
		<-sending
		stopReading = func() { <-reading }
	} else {
		stopReading = r.runChatGoroutines(peers, pubIDs, pc, &done)
	}
	r.waitMeter()
	if r.server != nil && !r.srvB.At.IsZero() {
		r.steadyRSS = r.srvB.RSS
	}

	// Drain: wait until every measured message reached every member of
	// its room, or the drain period ends.
	var expected int64
	for _, p := range pubs {
		expected += p.sentM
	}
	expected *= int64(cfg.Members)
	deadline := r.t1 + int64(cfg.Drain)
	for !r.aborted() && r.now() < deadline {
		var got int64
		for _, p := range peers {
			got += p.delivered.Load()
		}
		if got >= expected {
			break
		}
		time.Sleep(5 * time.Millisecond) // no event to wait for: poll the counters
	}
	done.Store(true)
	stopReading()

	for i, p := range peers {
		room := i / cfg.Members
		for rank := range cfg.Publishers {
			pub := peers[room*cfg.Members+rank]
			p.lost += p.streams[rank].Missing(0, uint64(pub.sent))
		}
	}
	r.totals(peers)
	r.res.Sent = 0
	for _, p := range pubs {
		r.res.Sent += p.sentM
	}
	r.res.Expected = expected
	r.res.PerRoom = perConn(roomTotals(peers, cfg.Rooms, cfg.Members), float64(r.measuredNS)/1e9)
}

// runChatGoroutines publishes and reads on goroutines (connections an
// event loop cannot drive): one per connection reading, one per publisher
// sending when the pacer wakes it. It returns once sending is over, with
// the function that ends the reading (after done is set) and waits for it.
func (r *runner) runChatGoroutines(peers []*peer, pubIDs [][]uint64, pc *pacer, done *atomic.Bool) (stopReading func()) {
	cfg := r.cfg
	pc.wake = make([]chan struct{}, pc.n)
	var wgRead, wgPubs sync.WaitGroup
	for i, p := range peers {
		room, rank := i/cfg.Members, i%cfg.Members
		wgRead.Add(1)
		go func() { defer wgRead.Done(); r.chatReader(p, room, pubIDs[room], done) }()
		if rank < cfg.Publishers {
			k := room*cfg.Publishers + rank
			pc.wake[k] = make(chan struct{}, 1)
			p.wake = pc.wake[k]
			wgPubs.Add(1)
			go func() { defer wgPubs.Done(); r.chatSender(p, k, roomName(room), pc) }()
		}
	}
	go pc.run(r.ctx.Done())
	wgPubs.Wait()
	return func() {
		for _, p := range peers {
			_ = p.c.SetReadDeadline(time.Unix(1, 0))
		}
		wgRead.Wait()
	}
}

// chatOnGoroutines makes chat use goroutines even where event loops can
// drive the connections (tests of the goroutine path).
var chatOnGoroutines = false

// roomTotals are one pseudo-peer per room whose measured receipts are the
// room's deliveries per member.
func roomTotals(peers []*peer, rooms, members int) []*peer {
	out := make([]*peer, rooms)
	for room := range out {
		var sum int64
		for _, p := range peers[room*members : (room+1)*members] {
			sum += p.recvM
		}
		out[room] = &peer{recvM: sum / int64(members)}
	}
	return out
}

// chatJoin joins room and returns the connection's id from the answer.
func (r *runner) chatJoin(p *peer, room string) uint64 {
	if id, ok := restChatID(p); ok { // chatrest.go: REST members do not join
		return id
	}
	c := p.c
	deadline := time.Now().Add(r.cfg.DialTimeout + 10*time.Second) // generous: everyone joins at once
	_ = c.SetReadDeadline(deadline)
	_ = c.SetWriteDeadline(deadline)
	msg, _ := json.Marshal(map[string]string{"type": "join", "room": room})
	if err := c.WriteMessage(false, msg); err != nil {
		r.connErr(p, "join", err)
		return 0
	}
	_, b, err := c.ReadMessage(nil)
	if err != nil {
		r.connErr(p, "join", err)
		return 0
	}
	var in chatIn
	if err := json.Unmarshal(b, &in); err != nil || in.Type != "joined" || in.Room != room {
		r.fail("chat_protocol", fmt.Errorf("connection %d: join %s answered %.200q", p.i, room, b), true)
		return 0
	}
	return in.ID
}

// appendPublish appends the publish message of text.
func appendPublish(dst []byte, room string, seq uint64, ts int64, text []byte) []byte {
	dst = append(dst, `{"type":"publish","room":"`...)
	dst = append(dst, room...) // room names need no escaping (roomName)
	dst = append(dst, `","seq":`...)
	dst = strconv.AppendUint(dst, seq, 10)
	dst = append(dst, `,"ts":`...)
	dst = strconv.AppendInt(dst, ts, 10)
	dst = append(dst, `,"text":`...)
	q, _ := json.Marshal(string(text))
	dst = append(dst, q...)
	return append(dst, '}')
}

// chatSender publishes p's messages (publisher k) when the pacer says they
// are due, seq from 1, ts the intended send time.
func (r *runner) chatSender(p *peer, k int, room string, pc *pacer) {
	lag := r.lag.NewRecorder()
	defer lag.Flush()
	defer func() { p.final.Store(p.sent) }()
	_ = p.c.SetWriteDeadline(r.endOfRun())
	p.firstM = -1
	var msg, text []byte
	for range p.wake {
		for !r.aborted() {
			now := r.now()
			due := pc.due(k, p.sent)
			if now >= r.t1 || due > now || due >= r.t1 {
				break
			}
			seq := uint64(p.sent) + 1
			text = chatText(text, k, seq)
			msg = appendPublish(msg[:0], room, seq, r.epochUnix+due, text)
			if err := p.c.WriteMessage(false, msg); err != nil {
				r.connErr(p, "publish", err)
				return
			}
			if r.measured(due) {
				r.sentPaced(p, due, now, lag)
			} else {
				// Warm-up: starting a goroutine per connection (tens of
				// milliseconds for a crowd) and the joins' garbage
				// still settle; the schedule is judged on the measured
				// interval, as latency is.
				r.sentPaced(p, due, now, nil)
			}
		}
	}
}

// chatReader checks what member p of room receives until told to stop;
// pubs are the ids of the room's publishers, by rank.
func (r *runner) chatReader(p *peer, room int, pubs []uint64, done *atomic.Bool) {
	rec := r.lat.NewRecorder()
	defer rec.Flush()
	ck := chatChecker{name: roomName(room), room: room, pubs: pubs}
	var buf []byte
	_ = p.c.SetReadDeadline(r.endOfRun().Add(time.Second))
	for {
		_, b, err := p.c.ReadMessage(buf)
		if err != nil {
			if !done.Load() && !r.aborted() {
				r.connErr(p, "read", err)
			}
			return
		}
		buf = b
		r.chatCheck(p, &ck, b, r.now(), rec)
	}
}

// chatChecker is what checking a member's deliveries needs: its room
// (number and name) and the ids of the room's publishers by rank, and
// scratch space that can be shared by the members one goroutine checks.
type chatChecker struct {
	name string
	room int
	pubs []uint64
	m    *chatMsg
	want *[]byte
}

// chatCheck checks delivery b, received by member p at now: the room, a
// publisher of it, its order, its text; its latency into rec when its
// intended send time is in the measured interval.
func (r *runner) chatCheck(p *peer, ck *chatChecker, b []byte, now int64, rec *histo.Recorder) {
	if ck.m == nil {
		ck.m, ck.want = new(chatMsg), new([]byte)
	}
	m := ck.m
	if !m.parse(b) || string(m.typ) != "message" || string(m.room) != ck.name || m.seq == 0 {
		p.corrupt++
		return
	}
	rank := slices.Index(ck.pubs, m.from)
	if rank < 0 {
		p.corrupt++
		return
	}
	switch p.streams[rank].Observe(m.seq - 1) {
	case payload.Duplicate:
		p.dup++
		return
	case payload.Late:
		p.reordered++
	}
	*ck.want = chatText(*ck.want, ck.room*len(ck.pubs)+rank, m.seq)
	if !bytes.Equal(m.text, *ck.want) {
		p.corrupt++
		return
	}
	p.recv++
	if due := m.ts - r.epochUnix; r.measured(due) {
		p.recvM++
		p.delivered.Add(1)
		rec.Record(now - due)
	}
}
