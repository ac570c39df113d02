package scenario

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	"golang.org/x/sys/unix"

	"github.com/wsbench/wsbench/loadgen/histmerge"
	"github.com/wsbench/wsbench/loadgen/histo"
	"github.com/wsbench/wsbench/loadgen/payload"
	"github.com/wsbench/wsbench/loadgen/procstat"
	"github.com/wsbench/wsbench/loadgen/result"
	"github.com/wsbench/wsbench/loadgen/wire"
)

// Run executes the scenario described by cfg. It returns a *UsageError
// when cfg is refused; otherwise it returns the result, with Failed set
// when anything went wrong (the figures are then partial).
func Run(ctx context.Context, cfg Config) (*result.Result, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	r := newRunner(ctx, &cfg)
	defer r.cancel(nil)
	r.execute()
	return r.res, nil
}

// peer is one connection and what its goroutines counted. The plain
// counters are written by the connection's goroutines and read after they
// end.
type peer struct {
	i    int
	c    wire.Conn
	node int // the cluster node it is connected to (Config.Nodes), 0 without

	stream  payload.Stream   // echo: order of this connection's messages
	streams []payload.Stream // broadcast subscriber: one per publisher
	firstM  int64            // publisher: first sequence number of the measured interval (-1: none)

	sent      int64 // messages sent, whole run
	sentM     int64 // messages sent whose (intended) send time is in the measured interval
	recv      int64 // messages received and valid, whole run
	recvM     int64 // ... measured
	dup       int64
	reordered int64
	corrupt   int64
	lost      int64

	// open loop
	wake  chan struct{}
	final atomic.Int64 // messages sent in all, once the sender is done (-1 before)
	seen  atomic.Int64 // echoes received, duplicates excepted
	// broadcast: measured deliveries so far, for the drain check
	delivered atomic.Int64
}

// runner is the state of one run.
type runner struct {
	cfg   *Config
	fmt   *payload.Format
	epoch time.Time
	// epochUnix is epoch in unix nanoseconds (chat time stamps).
	epochUnix int64
	ctx       context.Context
	cancel    context.CancelCauseFunc
	res       *result.Result

	lat *histo.Sink // latency of the scenario
	fan *histo.Sink // broadcast: to the last subscriber
	lag *histo.Sink // open loop: actual minus intended send time
	// broadcast on a cluster: latency to subscribers on the publishers'
	// node, and on the other nodes
	same, cross *histo.Sink
	// broadcast with several agents: per stream and message, the
	// largest latency among this agent's subscribers
	fanMax *fanMax

	mu       sync.Mutex
	errs     map[string]int64
	failure  string
	peers    []*peer // every connection, for interrupting them
	stopping bool

	// phases, ns since epoch
	tStart, t0, t1 int64
	phase          atomic.Int32
	dialed         atomic.Int64

	server, self *procstat.Proc
	srvMon       *procstat.Monitor

	// measurement window samples
	meterDone          chan struct{}
	srvA, srvB         procstat.Sample
	selfA, selfB       procstat.Sample
	machA, machB       procstat.CPUs // the machine's CPUs over the measured interval
	srvOK              bool
	cntA, cntB         counts
	measuredNS         int64
	baseRSS, steadyRSS int64   // connect: server RSS before dialing and after the hold
	negotiated         string  // connect: the permessage-deflate variant the first connection negotiated
	txPeers, rxPeers   []*peer // connections whose bytes sent / received count
}

// phases, for the progress line.
const (
	phaseDial int32 = iota
	phaseWarmup
	phaseMeasure
	phaseDrain
	phaseHold
	phaseVerify
	phaseDone
)

func newRunner(ctx context.Context, cfg *Config) *runner {
	var seed [2]byte
	_, _ = rand.Read(seed[:])
	// Size and Payload were checked. Text messages (SockJS, broadcast
	// publishes other than random bytes) need printable content.
	runID := binary.LittleEndian.Uint16(seed[:])
	if cfg.RunID > 0 {
		runID = uint16(cfg.RunID)
	}
	f, _ := payload.NewFormatKind(cfg.Size, runID, cfg.Payload, cfg.Proto != wire.WS)
	epoch := time.Now()
	if cfg.StartAt > 0 {
		// The agents' shared clock: wall time, the same in every process
		// of the machine (no monotonic reading).
		epoch = time.UnixMilli(cfg.StartAt)
	}
	r := &runner{
		cfg:       cfg,
		fmt:       f,
		epoch:     epoch,
		errs:      map[string]int64{},
		lat:       histo.NewSink(8),
		fan:       histo.NewSink(8),
		lag:       histo.NewSink(8),
		same:      histo.NewSink(8),
		cross:     histo.NewSink(8),
		meterDone: make(chan struct{}),
	}
	r.ctx, r.cancel = context.WithCancelCause(ctx)
	r.res = &result.Result{
		Scenario:         cfg.Scenario,
		Mode:             cfg.Mode(),
		Proto:            string(cfg.Proto),
		Variant:          cfg.Variant(),
		PayloadKind:      payloadKind(cfg.Payload),
		ConnectEcho:      cfg.ConnectEcho,
		URL:              cfg.URL,
		Conns:            cfg.Conns,
		PayloadBytes:     cfg.Size,
		RateTarget:       cfg.Rate,
		WarmupS:          cfg.Warmup.Seconds(),
		StartedAt:        r.epoch.UTC().Format(time.RFC3339),
		Errors:           map[string]int64{},
		LocalAddrs:       len(cfg.localIPs),
		ClientGOMAXPROCS: runtime.GOMAXPROCS(0),
	}
	if cfg.Mode() == "closed" {
		r.res.Window = cfg.Window
	}
	if cfg.Scenario == Broadcast {
		r.res.Publishers = cfg.Publishers
		if r.res.Variant == "poll" {
			r.res.PollInterval = float64(cfg.PollInterval) / float64(time.Millisecond)
		}
	}
	return r
}

// now is the time since the run's epoch, monotonic.
func (r *runner) now() int64 { return int64(time.Since(r.epoch)) }

// at converts a time since the epoch to a time.Time (for deadlines).
func (r *runner) at(ns int64) time.Time { return r.epoch.Add(time.Duration(ns)) }

// measured reports whether a message sent at ts counts.
func (r *runner) measured(ts int64) bool { return ts >= r.t0 && ts < r.t1 }

// aborted reports whether the run is being cut short.
func (r *runner) aborted() bool { return r.ctx.Err() != nil }

// fail records an error of a kind; fatal ends the run early, keeping the
// first fatal error as the failure.
func (r *runner) fail(kind string, err error, fatal bool) {
	r.mu.Lock()
	r.errs[kind]++
	first := fatal && r.failure == ""
	if first {
		r.failure = err.Error()
	}
	r.mu.Unlock()
	if first {
		r.cancel(err)
	}
}

// connErr records an error of connection p: fatal unless the run is
// already being cut short (then it is a consequence, not a cause).
func (r *runner) connErr(p *peer, what string, err error) {
	if r.aborted() {
		return
	}
	r.fail(wire.Kind(err), fmt.Errorf("connection %d: %s: %w", p.i, what, err), true)
}

// execute runs the scenario and fills r.res.
func (r *runner) execute() {
	cfg := r.cfg
	deadline := time.AfterFunc(cfg.timeout(), func() {
		r.fail("timeout", fmt.Errorf("%w after %v", errTimeout, cfg.timeout()), true)
	})
	defer deadline.Stop()
	// Interrupt every blocked read and write when the run is cut short.
	stopKick := context.AfterFunc(r.ctx, r.interruptAll)
	defer stopKick()

	var err error
	if r.self, err = procstat.Open(0); err != nil {
		r.fail("procfs", err, false)
	}
	if cfg.ServerPID > 0 {
		if r.server, err = procstat.Open(cfg.ServerPID); err != nil {
			r.fail("server_pid", err, true)
			r.finish()
			return
		}
		r.srvMon = procstat.Watch(r.server, 100*time.Millisecond)
		defer r.srvMon.Stop()
	}
	stopProgress := r.startProgress()
	defer stopProgress()

	switch cfg.Scenario {
	case Echo:
		r.runEcho()
	case Broadcast:
		r.runBroadcast()
	case Connect:
		r.runConnect()
	case Chat:
		r.runChat()
	}
	r.phase.Store(phaseDone)
	r.closeAll()
	r.finish()
}

// interruptAll makes every blocked read and write return at once.
func (r *runner) interruptAll() {
	r.mu.Lock()
	r.stopping = true
	peers := append([]*peer(nil), r.peers...)
	r.mu.Unlock()
	past := time.Unix(1, 0)
	for _, p := range peers {
		_ = p.c.SetReadDeadline(past)
		_ = p.c.SetWriteDeadline(past)
	}
}

// closeAll closes every connection, in parallel batches.
func (r *runner) closeAll() {
	r.mu.Lock()
	peers := r.peers
	r.peers = nil
	r.mu.Unlock()
	parallel(len(peers), 32, func(i int) { peers[i].c.Close() })
}

// parallel runs f(0..n-1) on up to workers goroutines.
func parallel(n, workers int, f func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < min(workers, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}

// dialOptions are the wire options for connection i.
func (r *runner) dialOptions(i int) wire.Options {
	o := wire.Options{
		Proto:            r.cfg.Proto,
		HandshakeTimeout: r.cfg.DialTimeout,
		HTTP:             r.cfg.HTTP,
		Deflate:          r.cfg.Deflate,
		DeflateRequired:  r.cfg.Deflate.On(),
	}
	o.HTTP.PollInterval = r.cfg.PollInterval
	if r.cfg.Proto == wire.SockJS {
		o.Transport = r.cfg.Transport
		if r.cfg.Scenario == Broadcast && i >= r.cfg.Conns {
			o.Transport = wire.WebSocket // publishers
		}
	}
	if ips := r.cfg.localIPs; len(ips) > 0 {
		o.LocalAddr = ips[i%len(ips)]
	}
	// Room for a window of frames per read, within reason.
	frame := r.cfg.Size + 16
	if r.cfg.Proto == wire.SockJS {
		frame += 8
	}
	o.ReadBufferSize = min(max(4096, frame*min(r.cfg.Window, 4)), 64<<10)
	if r.cfg.Scenario == Connect {
		o.ReadBufferSize = min(4096, max(512, frame))
	}
	o.WriteBufferSize = min(max(1024, frame*r.cfg.Window), 256<<10)
	return o
}

// dialAll opens n connections to path with bounded concurrency and the
// configured connect rate, numbering them from base. rec, when not nil,
// receives each handshake's latency. On failure the run is cut short and
// dialAll returns nil.
func (r *runner) dialAll(n, base int, path string, rec func() *histo.Recorder) []*peer {
	return r.dialNodes(n, base, path, rec, false)
}

// dialNodes is dialAll; with spread, connection i goes to node i mod n of
// the cluster (Config.Nodes) and its peer records which.
func (r *runner) dialNodes(n, base int, path string, rec func() *histo.Recorder, spread bool) []*peer {
	peers := make([]*peer, n)
	t := r.cfg.target
	t.Path, t.Query = path, ""
	start := r.now()
	var next atomic.Int64
	var wg sync.WaitGroup
	workers := min(r.cfg.DialConcurrency, n)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var hr *histo.Recorder
			if rec != nil {
				hr = rec()
				defer hr.Flush()
			}
			for !r.aborted() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if rate := r.cfg.ConnectRate; rate > 0 {
					due := start + int64(float64(i)/rate*1e9)
					if d := due - r.now(); d > 0 {
						select {
						case <-time.After(time.Duration(d)):
						case <-r.ctx.Done():
							return
						}
					}
				}
				t, node := t, 0
				if spread {
					node = i % len(r.cfg.nodes)
					t.Host = r.cfg.nodes[node].Host
				}
				t0 := r.now()
				c, err := wire.DialTarget(r.ctx, t, r.dialOptions(base+i))
				if err != nil {
					if !r.aborted() {
						r.fail("dial_"+wire.Kind(err), fmt.Errorf("dial %s (connection %d): %w", t.Host+path, base+i, err), true)
					}
					return
				}
				if hr != nil {
					hr.Record(r.now() - t0)
				}
				p := &peer{i: base + i, c: c, node: node}
				p.final.Store(-1)
				peers[i] = p
				r.mu.Lock()
				r.peers = append(r.peers, p)
				stopping := r.stopping
				r.mu.Unlock()
				if stopping { // interruptAll already ran
					_ = c.SetReadDeadline(time.Unix(1, 0))
					_ = c.SetWriteDeadline(time.Unix(1, 0))
				}
				r.dialed.Add(1)
			}
		}()
	}
	wg.Wait()
	if r.aborted() {
		return nil
	}
	return peers
}

// startClock fixes the phases once every connection is up.
func (r *runner) startClock() {
	r.tStart = r.now()
	if r.cfg.StartAt > 0 {
		// -start-at: the epoch is the shared start; wait for it.
		if r.tStart > 0 {
			r.fail("start", fmt.Errorf("the connections were up %v after -start-at", time.Duration(r.tStart)), true)
		} else {
			t := time.NewTimer(time.Duration(-r.tStart))
			select {
			case <-t.C:
			case <-r.ctx.Done():
				t.Stop()
			}
		}
		r.tStart = 0
	}
	r.t0 = r.tStart + int64(r.cfg.Warmup)
	r.t1 = r.t0 + int64(r.cfg.Duration)
	r.phase.Store(phaseWarmup)
	go r.meter()
}

// meter samples CPU, memory and byte counters at the start and end of the
// measured interval (or when the run is cut short).
func (r *runner) meter() {
	defer close(r.meterDone)
	sleepUntil := func(ns int64) bool {
		d := time.Duration(ns - r.now())
		if d <= 0 {
			return true
		}
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return true
		case <-r.ctx.Done():
			return false
		}
	}
	if !sleepUntil(r.t0) {
		return
	}
	r.phase.Store(phaseMeasure)
	r.machA, _ = procstat.ReadCPUs()
	r.sample(&r.srvA, &r.selfA, &r.cntA)
	full := sleepUntil(r.t1)
	r.sample(&r.srvB, &r.selfB, &r.cntB)
	r.machB, _ = procstat.ReadCPUs()
	r.measuredNS = min(r.now(), r.t1) - r.t0
	if full {
		r.phase.Store(phaseDrain)
	}
	r.srvOK = r.server != nil && !r.srvA.At.IsZero() && !r.srvB.At.IsZero()
}

// counts are the connections' counters summed: bytes written by every
// connection, bytes read by the receiving ones (echo connections,
// broadcast subscribers), HTTP requests and empty polls of all.
type counts struct {
	tx, rx, requests, emptyPolls int64
	payTX, payRX                 int64  // message bytes, with permessage-deflate
	deflate                      string // the variant negotiated (the first connection's)
}

func (r *runner) sample(srv, self *procstat.Sample, cnt *counts) {
	if r.server != nil {
		s, err := r.server.Read()
		if err != nil {
			r.fail("server_gone", fmt.Errorf("server process: %w", err), true)
		} else {
			*srv = s
		}
	}
	if r.self != nil {
		if s, err := r.self.Read(); err == nil {
			*self = s
		}
	}
	seen := make(map[*peer]bool, len(r.txPeers)+len(r.rxPeers))
	for _, p := range r.rxPeers {
		st := p.c.Stats()
		cnt.rx += st.RX
		cnt.tx += st.TX
		cnt.payRX += st.PayloadRX
		cnt.payTX += st.PayloadTX
		cnt.requests += st.Requests
		cnt.emptyPolls += st.EmptyPolls
		if cnt.deflate == "" {
			cnt.deflate = st.Deflate
		}
		seen[p] = true
	}
	for _, p := range r.txPeers {
		if !seen[p] {
			st := p.c.Stats()
			cnt.tx += st.TX
			cnt.payTX += st.PayloadTX
			cnt.requests += st.Requests
			cnt.emptyPolls += st.EmptyPolls
		}
	}
}

// encodeHist writes h's encoding (package histmerge) to dst.
func (r *runner) encodeHist(dst *string, h *hdrhistogram.Histogram) {
	enc, err := histmerge.Encode(h)
	if err != nil {
		r.fail("histogram", err, false)
		return
	}
	*dst = enc
}

// waitMeter waits for the meter's last sample.
func (r *runner) waitMeter() { <-r.meterDone }

// finish computes the result's derived figures.
func (r *runner) finish() {
	res := r.res
	res.DurationS = float64(r.measuredNS) / 1e9
	h := r.lat.Merged()
	res.LatencyUS = histo.Summary(h)
	res.LatencyCurve = histo.Curve(h)
	if f := r.fan.Merged(); f.TotalCount() > 0 {
		l := histo.Summary(f)
		res.FanoutLastUS = &l
		if r.cfg.Hist {
			r.encodeHist(&res.FanoutLastHist, f)
		}
	}
	if r.cfg.Hist && h.TotalCount() > 0 {
		r.encodeHist(&res.LatencyHist, h)
	}
	if len(r.cfg.Nodes) > 0 {
		res.Nodes = len(r.cfg.nodes)
		same, cross := histo.Summary(r.same.Merged()), histo.Summary(r.cross.Merged())
		res.SameNodeUS, res.CrossNodeUS = &same, &cross
	}
	if g := r.lag.Merged(); g.TotalCount() > 0 {
		l := histo.Summary(g)
		res.SendLagUS = &l
	}
	if n := r.lat.Clamped(); n > 0 {
		r.fail("latency_clamped", errors.New("latencies above one hour"), false)
	}
	secs := res.DurationS
	if secs > 0 && res.Scenario != Connect {
		res.MsgsPerSec = round(float64(res.Received) / secs)
		res.MBPerSec = round(float64(res.Received) * float64(res.PayloadBytes) / 1e6 / secs)
		if res.Mode == "open" {
			res.RateAchieved = round(float64(res.Sent) / secs)
			res.RateShort = res.RateAchieved < (1-result.RateTolerance)*res.RateTarget
		} else {
			res.RateAchieved = round(float64(res.Sent) / secs)
		}
		// Echo: per message sent. Broadcast: per delivery, publishers'
		// and subscribers' writes (polls, SockJS xhr requests) together.
		per := res.Sent
		if res.Scenario == Broadcast || res.Scenario == Chat {
			per = res.Received
		}
		if per > 0 {
			res.BytesPerMsg.TX = round(float64(r.cntB.tx-r.cntA.tx) / float64(per))
		}
		if res.Received > 0 {
			res.BytesPerMsg.RX = round(float64(r.cntB.rx-r.cntA.rx) / float64(res.Received))
		}
		if r.cfg.Deflate.On() {
			r.compression(res, per)
		}
		res.Requests = r.cntB.requests - r.cntA.requests
		res.EmptyPolls = r.cntB.emptyPolls - r.cntA.emptyPolls
	}
	if r.cfg.Deflate.On() && res.Deflate == "" {
		res.Deflate = r.cntB.deflate
		if res.Scenario == Connect {
			res.Deflate = r.negotiated
		}
	}
	if res.Scenario == Chat {
		res.DeliveredMsgsPerSec = res.MsgsPerSec
		if res.LatencyUS.Count > 0 {
			d := res.LatencyUS
			res.DeliveryUS = &d
		}
	}
	for _, p := range r.rxPeers {
		st := p.c.Stats()
		res.Reconnects += st.Reconnects
		res.Refused += st.Refused
	}
	// CPU over the measured interval, per message received.
	perMsg := float64(res.Received)
	if res.Scenario == Connect {
		perMsg = float64(r.dialed.Load())
	}
	if r.selfA.At.IsZero() || r.selfB.At.IsZero() {
		res.Client = result.Proc{}
	} else {
		res.Client.CPUUtil = round(procstat.Util(r.selfA, r.selfB))
		if perMsg > 0 {
			res.Client.CPUUSPerMsg = round((r.selfB.CPU - r.selfA.CPU) * 1e6 / perMsg)
		}
		res.Client.RSSBytes = r.selfB.RSS
	}
	if r.server != nil {
		res.Server = &result.Proc{PID: r.cfg.ServerPID}
		if r.srvOK {
			res.Server.CPUUtil = round(procstat.Util(r.srvA, r.srvB))
			if perMsg > 0 {
				res.Server.CPUUSPerMsg = round((r.srvB.CPU - r.srvA.CPU) * 1e6 / perMsg)
			}
			res.Server.RSSBytes = r.srvB.RSS
		}
		if r.steadyRSS > 0 {
			res.Server.RSSBytes = r.steadyRSS
			res.Server.RSSBaseBytes = r.baseRSS
			res.Server.RSSPerConnBytes = round(float64(r.steadyRSS-r.baseRSS) / float64(max(r.dialed.Load(), 1)))
		}
		if r.srvMon != nil {
			if peak, err := r.srvMon.Peak(); err == nil || peak > 0 {
				res.Server.RSSPeakBytes = peak
			}
		}
	}
	r.mu.Lock()
	if r.failure == "" && r.ctx.Err() != nil {
		r.failure = fmt.Sprintf("run interrupted: %v", context.Cause(r.ctx))
		r.errs["interrupted"]++
	}
	for k, v := range r.errs {
		res.Errors[k] += v
	}
	failure := r.failure
	r.mu.Unlock()
	var problems []string
	if failure != "" {
		problems = append(problems, failure)
	}
	for _, c := range []struct {
		n    int64
		what string
	}{{res.Lost, "lost"}, {res.Duplicated, "duplicated"}, {res.Reordered, "reordered"}, {res.Corrupt, "corrupt"}} {
		if c.n > 0 {
			problems = append(problems, fmt.Sprintf("%d messages %s", c.n, c.what))
		}
	}
	if failure == "" {
		var kinds []string
		for k, v := range res.Errors {
			kinds = append(kinds, fmt.Sprintf("%s=%d", k, v))
		}
		sort.Strings(kinds)
		if len(kinds) > 0 {
			problems = append(problems, "errors: "+strings.Join(kinds, " "))
		}
	}
	if len(problems) > 0 {
		res.Failed = true
		res.Failure = strings.Join(problems, "; ")
	}
	if res.Mode == "open" && res.Scenario == Echo {
		res.SpinUS = float64(r.cfg.Spin) / 1e3
	}
	res.Foreign = r.foreign()
	res.ServerCPUs = r.serverCPUs()
	v := result.Judge(res, res.ServerCPUs)
	res.Verdict = &v
}

// foreign is what other processes and the hypervisor took from the CPUs
// of the server and of this process over the measured interval (nil when
// either side's CPU time or the machine's was not read).
func (r *runner) foreign() *result.Foreign {
	if r.machA.At.IsZero() || r.machB.At.IsZero() || r.selfA.At.IsZero() || r.selfB.At.IsZero() {
		return nil
	}
	own := r.selfB.CPU - r.selfA.CPU
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return nil
	}
	if r.server != nil {
		if !r.srvOK {
			return nil
		}
		own += r.srvB.CPU - r.srvA.CPU
		var srv unix.CPUSet
		if err := unix.SchedGetaffinity(r.cfg.ServerPID, &srv); err != nil {
			return nil
		}
		for i := range len(srv) * 64 {
			if srv.IsSet(i) {
				set.Set(i)
			}
		}
	}
	var cpus []int
	for i := range len(set) * 64 {
		if set.IsSet(i) {
			cpus = append(cpus, i)
		}
	}
	f, ok := procstat.ForeignOn(cpus, r.machA, r.machB, own)
	if !ok {
		return nil
	}
	return &result.Foreign{CPUs: cpus, CPUUtil: round(f.CPUUtil), StealUtil: round(f.StealUtil)}
}

// serverCPUs is what the server may use: Config.ServerCPUs, else the
// number of CPUs in its affinity mask, else 0 (unknown).
func (r *runner) serverCPUs() float64 {
	if r.cfg.ServerCPUs > 0 {
		return r.cfg.ServerCPUs
	}
	if r.cfg.ServerPID <= 0 {
		return 0
	}
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(r.cfg.ServerPID, &set); err != nil {
		return 0
	}
	return float64(set.Count())
}

func round(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return math.Round(v*1000) / 1000
}

// totals adds the peers' counters to the result.
func (r *runner) totals(peers []*peer) {
	for _, p := range peers {
		if p == nil {
			continue
		}
		r.res.Sent += p.sentM
		r.res.Received += p.recvM
		r.res.Lost += p.lost
		r.res.Duplicated += p.dup
		r.res.Reordered += p.reordered
		r.res.Corrupt += p.corrupt
	}
	r.res.Expected = r.res.Sent
	if r.cfg.Scenario != Connect {
		r.res.PerConn = perConn(peers, float64(r.measuredNS)/1e9)
	}
}

// perConn summarises the peers' measured receipts per second.
func perConn(peers []*peer, secs float64) *result.PerConn {
	var xs []float64
	for _, p := range peers {
		if p != nil {
			xs = append(xs, float64(p.recvM))
		}
	}
	if len(xs) == 0 || secs <= 0 {
		return nil
	}
	sort.Float64s(xs)
	var sum, sq float64
	for i := range xs {
		xs[i] /= secs
		sum += xs[i]
		sq += xs[i] * xs[i]
	}
	q := func(f float64) float64 { return round(xs[int(f*float64(len(xs)-1)+0.5)]) }
	pc := &result.PerConn{Min: round(xs[0]), P1: q(0.01), P50: q(0.5), P99: q(0.99), Max: round(xs[len(xs)-1])}
	if sq > 0 {
		pc.Jain = round(sum * sum / (float64(len(xs)) * sq))
	}
	return pc
}

// progress line

func (r *runner) startProgress() func() {
	w := r.cfg.Progress
	if w == nil {
		return func() {}
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				fmt.Fprintf(w, "\r%-70s\r", "")
				return
			case <-t.C:
				fmt.Fprintf(w, "\r%-70s\r", r.progressLine())
			}
		}
	}()
	return func() { close(stop); <-done }
}

func (r *runner) progressLine() string {
	sec := func(ns int64) string { return fmt.Sprintf("%.1fs", float64(max(ns, 0))/1e9) }
	now := r.now()
	switch r.phase.Load() {
	case phaseDial:
		return fmt.Sprintf("ramp-up: %d/%d connections", r.dialed.Load(), r.cfg.sockets())
	case phaseWarmup:
		return fmt.Sprintf("warm-up: %s of %s", sec(now-r.tStart), sec(int64(r.cfg.Warmup)))
	case phaseMeasure:
		return fmt.Sprintf("measuring: %s elapsed, %s remaining", sec(now-r.t0), sec(r.t1-now))
	case phaseDrain:
		return fmt.Sprintf("draining: up to %s", sec(r.t1+int64(r.cfg.Drain)-now))
	case phaseHold:
		return fmt.Sprintf("holding %d connections: %s remaining", r.dialed.Load(), sec(r.t1-now))
	case phaseVerify:
		return "verifying connections"
	}
	return ""
}

// compression fills the permessage-deflate figures: message bytes per
// message beside the wire's (BytesPerMsg, counted the same way), and the
// ratio of the two in each direction.
func (r *runner) compression(res *result.Result, per int64) {
	res.Deflate = r.cntB.deflate
	pay := result.Bytes{}
	if per > 0 {
		pay.TX = round(float64(r.cntB.payTX-r.cntA.payTX) / float64(per))
	}
	if res.Received > 0 {
		pay.RX = round(float64(r.cntB.payRX-r.cntA.payRX) / float64(res.Received))
	}
	res.PayloadPerMsg = &pay
	ratio := result.Bytes{}
	if pay.TX > 0 {
		ratio.TX = round(res.BytesPerMsg.TX / pay.TX)
	}
	if pay.RX > 0 {
		ratio.RX = round(res.BytesPerMsg.RX / pay.RX)
	}
	res.WireRatio = &ratio
}

// payloadKind is the result's payload_kind: empty (left out) for the
// default pattern, so that results of runs without -payload do not change.
func payloadKind(k payload.Kind) string {
	if k == payload.Pattern {
		return ""
	}
	return string(k)
}
