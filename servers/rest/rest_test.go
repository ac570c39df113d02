package rest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/wsbench/wsbench/servers/server"
	"github.com/wsbench/wsbench/servers/servertest"
)

// testServer is a REST server on a loopback port for one test.
type testServer struct {
	addr   string
	env    *server.Env
	client *http.Client
	// stop shuts the server down and waits for Serve to return; it runs
	// once (also at cleanup) and returns the same result every time.
	stop func() error
}

func start(t *testing.T, cfg config) *testServer {
	t.Helper()
	env := server.NewEnv()
	srv := newServer(env, cfg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	tr := &http.Transport{MaxIdleConnsPerHost: 16}
	ts := &testServer{addr: ln.Addr().String(), env: env, client: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
	ts.stop = sync.OnceValue(func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err := srv.Shutdown(ctx)
		select {
		case serr := <-served:
			if err == nil {
				err = serr
			}
		case <-ctx.Done():
			if err == nil {
				err = errors.New("Serve did not return after Shutdown")
			}
		}
		return err
	})
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		if err := ts.stop(); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	servertest.WaitHealthy(t, ts.addr)
	return ts
}

func (ts *testServer) url(path string) string { return "http://" + ts.addr + path }

// do sends one request and returns the response with its whole body.
func (ts *testServer) do(t *testing.T, method, path string, body io.Reader, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, ts.url(path), body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := ts.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return resp, b
}

func (ts *testServer) publish(t *testing.T, p []byte) uint64 {
	t.Helper()
	resp, body := ts.do(t, http.MethodPost, PathPublish, bytes.NewReader(p))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("publish: %s: %q", resp.Status, body)
	}
	if !bytes.HasSuffix(body, []byte("\n")) {
		t.Fatalf("publish answer %q does not end in a newline", body)
	}
	seq, err := strconv.ParseUint(string(body[:len(body)-1]), 10, 64)
	if err != nil {
		t.Fatalf("publish answer %q: %v", body, err)
	}
	return seq
}

func (ts *testServer) stats(t *testing.T) server.Snapshot { return servertest.Stats(t, ts.addr) }

// payload returns n deterministic printable bytes.
func payload(n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte('!' + (i*7+i/251)%90)
	}
	return p
}

// onlyReader hides the length of a reader so that the client sends the
// body chunked, without Content-Length.
type onlyReader struct{ io.Reader }

func TestEcho(t *testing.T) {
	ts := start(t, defaultConfig)
	sizes := []int{0, 1 << 10, 1 << 20, server.MaxMessageSize}
	for _, n := range sizes {
		p := payload(n)
		resp, body := ts.do(t, http.MethodPost, server.PathEcho, bytes.NewReader(p))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("echo %d B: %s", n, resp.Status)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/octet-stream" {
			t.Errorf("echo %d B: Content-Type %q", n, ct)
		}
		if resp.ContentLength != int64(n) {
			t.Errorf("echo %d B: Content-Length %d", n, resp.ContentLength)
		}
		if !bytes.Equal(body, p) {
			t.Fatalf("echo %d B: got %d different bytes back", n, len(body))
		}
	}
	// A chunked body (no Content-Length) is read whole too.
	p := payload(1 << 20)
	resp, body := ts.do(t, http.MethodPost, server.PathEcho, onlyReader{bytes.NewReader(p)})
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, p) {
		t.Fatalf("chunked echo: %s, %d bytes, equal %v", resp.Status, len(body), bytes.Equal(body, p))
	}
	want := int64(len(sizes) + 1)
	if st := ts.stats(t); st.MsgsIn != want || st.MsgsOut != want || st.ConnsTotal != 0 {
		t.Errorf("stats %+v: want msgs_in = msgs_out = %d, conns_total 0", st, want)
	}
}

func TestTooBig(t *testing.T) {
	ts := start(t, defaultConfig)
	big := payload(server.MaxMessageSize + 1)
	for _, tc := range []struct {
		name, path string
		body       io.Reader
	}{
		{"echo with length", server.PathEcho, bytes.NewReader(big)},
		{"echo chunked", server.PathEcho, onlyReader{bytes.NewReader(big)}},
		{"publish with length", PathPublish, bytes.NewReader(big)},
		{"publish chunked", PathPublish, onlyReader{bytes.NewReader(big)}},
	} {
		resp, body := ts.do(t, http.MethodPost, tc.path, tc.body)
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("%s: %s, want 413", tc.name, resp.Status)
		}
		checkOneLine(t, tc.name, body)
	}
	if n := ts.env.Stats.MsgsIn.Load(); n != 0 {
		t.Errorf("msgs_in %d after rejected bodies", n)
	}
	// Nothing reached the log: the first publish still gets 1.
	if seq := ts.publish(t, []byte("x")); seq != 1 {
		t.Errorf("first accepted publish got seq %d", seq)
	}
}

func checkOneLine(t *testing.T, what string, body []byte) {
	t.Helper()
	if len(body) == 0 || bytes.IndexByte(body, '\n') != len(body)-1 {
		t.Errorf("%s: body %q is not one line", what, body)
	}
}

type record struct {
	seq uint64
	p   []byte
}

// parseRecords parses a poll body strictly: "SEQ LEN\n" PAYLOAD "\n"...
func parseRecords(b []byte) ([]record, error) {
	var out []record
	for len(b) > 0 {
		nl := bytes.IndexByte(b, '\n')
		if nl < 0 {
			return out, fmt.Errorf("record header without newline: %q", b)
		}
		f := strings.Split(string(b[:nl]), " ")
		if len(f) != 2 {
			return out, fmt.Errorf("bad record header %q", b[:nl])
		}
		seq, err1 := strconv.ParseUint(f[0], 10, 64)
		n, err2 := strconv.Atoi(f[1])
		if err1 != nil || err2 != nil || n < 0 {
			return out, fmt.Errorf("bad record header %q", b[:nl])
		}
		b = b[nl+1:]
		if len(b) < n+1 || b[n] != '\n' {
			return out, fmt.Errorf("record %d: payload of %d bytes not followed by a newline", seq, n)
		}
		out = append(out, record{seq, b[:n]})
		b = b[n+1:]
	}
	return out, nil
}

// pollRecords polls and checks the status, the headers and the format.
func pollRecords(t *testing.T, ts *testServer, path string) (*http.Response, []record) {
	t.Helper()
	resp, body := ts.do(t, http.MethodGet, path, nil)
	if resp.StatusCode == http.StatusNoContent {
		if len(body) != 0 {
			t.Errorf("GET %s: 204 with a body %q", path, body)
		}
		return resp, nil
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %q", path, resp.Status, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/octet-stream" {
		t.Errorf("GET %s: Content-Type %q", path, ct)
	}
	if resp.ContentLength != int64(len(body)) {
		t.Errorf("GET %s: Content-Length %d for %d bytes", path, resp.ContentLength, len(body))
	}
	recs, err := parseRecords(body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	if n := len(recs); n > 0 && resp.Header.Get("X-Last-Seq") != strconv.FormatUint(recs[n-1].seq, 10) {
		t.Errorf("GET %s: X-Last-Seq %q, last record %d", path, resp.Header.Get("X-Last-Seq"), recs[n-1].seq)
	}
	return resp, recs
}

func checkRecords(t *testing.T, what string, got []record, firstSeq uint64, want [][]byte) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d records, want %d", what, len(got), len(want))
	}
	for i, r := range got {
		if r.seq != firstSeq+uint64(i) || !bytes.Equal(r.p, want[i]) {
			t.Errorf("%s: record %d is (%d, %q), want (%d, %q)", what, i, r.seq, r.p, firstSeq+uint64(i), want[i])
		}
	}
}

func TestPublishPoll(t *testing.T) {
	ts := start(t, defaultConfig)
	msgs := [][]byte{[]byte("hello"), {}, []byte("two\nlines"), {0, 0xff, '\n', '\r', ' '}, payload(100000)}
	for i, p := range msgs {
		path := PathPublish
		if i%2 == 1 {
			path = server.PathBroadcast
		}
		resp, body := ts.do(t, http.MethodPost, path, bytes.NewReader(p))
		if want := fmt.Sprintf("%d\n", i+1); resp.StatusCode != http.StatusOK || string(body) != want {
			t.Fatalf("POST %s #%d: %s %q, want 200 %q", path, i+1, resp.Status, body, want)
		}
	}
	last := uint64(len(msgs))
	for _, tc := range []struct {
		path  string
		after int
	}{
		{PathPoll + "?after=0", 0},
		{PathPoll, 0},
		{server.PathBroadcast + "?after=0", 0},
		{PathPoll + "?after=2", 2},
		{server.PathBroadcast + "?after=4&wait=5s", 4},
	} {
		resp, recs := pollRecords(t, ts, tc.path)
		checkRecords(t, "GET "+tc.path, recs, uint64(tc.after)+1, msgs[tc.after:])
		if h := resp.Header.Get("X-First-Seq"); h != "" {
			t.Errorf("GET %s: X-First-Seq %q without loss", tc.path, h)
		}
	}
	resp, recs := pollRecords(t, ts, PathPoll+"?after="+strconv.FormatUint(last, 10))
	if resp.StatusCode != http.StatusNoContent || recs != nil || resp.Header.Get("X-Last-Seq") != strconv.FormatUint(last, 10) {
		t.Errorf("poll at the newest: %s, X-Last-Seq %q", resp.Status, resp.Header.Get("X-Last-Seq"))
	}
	wantOut := int64(5 + 5 + 5 + 3 + 1)
	if st := ts.stats(t); st.MsgsIn != int64(len(msgs)) || st.MsgsOut != wantOut || st.ConnsTotal != 0 {
		t.Errorf("stats %+v: want msgs_in %d, msgs_out %d, conns_total 0", st, len(msgs), wantOut)
	}
}

func TestPollEmpty(t *testing.T) {
	ts := start(t, defaultConfig)
	for _, path := range []string{PathPoll, PathPoll + "?after=0", server.PathBroadcast + "?after=0&wait=0s"} {
		resp, body := ts.do(t, http.MethodGet, path, nil)
		if resp.StatusCode != http.StatusNoContent || len(body) != 0 || resp.Header.Get("X-Last-Seq") != "0" {
			t.Errorf("GET %s on an empty log: %s %q, X-Last-Seq %q", path, resp.Status, body, resp.Header.Get("X-Last-Seq"))
		}
	}
}

func TestPollRetention(t *testing.T) {
	cfg := defaultConfig
	cfg.logSize = 8
	ts := start(t, cfg)
	var all [][]byte
	for i := 1; i <= 20; i++ {
		p := []byte("m" + strconv.Itoa(i))
		all = append(all, p)
		if seq := ts.publish(t, p); seq != uint64(i) {
			t.Fatalf("publish %d got seq %d", i, seq)
		}
	}
	for _, tc := range []struct {
		after     int
		firstSeq  string // X-First-Seq, "" when nothing was lost
		firstRecv int
	}{
		{0, "13", 13},
		{11, "13", 13},
		{12, "", 13},
		{15, "", 16},
	} {
		path := PathPoll + "?after=" + strconv.Itoa(tc.after)
		resp, recs := pollRecords(t, ts, path)
		checkRecords(t, "GET "+path, recs, uint64(tc.firstRecv), all[tc.firstRecv-1:])
		if got := resp.Header.Get("X-First-Seq"); got != tc.firstSeq {
			t.Errorf("GET %s: X-First-Seq %q, want %q", path, got, tc.firstSeq)
		}
	}
}

type pollResult struct {
	status  int
	body    []byte
	err     error
	elapsed time.Duration
}

// longPoll starts a GET in its own goroutine; the result arrives on the
// returned channel.
func (ts *testServer) longPoll(path string) <-chan pollResult {
	ch := make(chan pollResult, 1)
	go func() {
		t0 := time.Now()
		resp, err := ts.client.Get(ts.url(path))
		if err != nil {
			ch <- pollResult{err: err, elapsed: time.Since(t0)}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		ch <- pollResult{status: resp.StatusCode, body: b, err: err, elapsed: time.Since(t0)}
	}()
	return ch
}

func awaitPoll(t *testing.T, ch <-chan pollResult, within time.Duration) pollResult {
	t.Helper()
	select {
	case r := <-ch:
		if r.err != nil {
			t.Fatalf("long poll: %v", r.err)
		}
		return r
	case <-time.After(within):
		t.Fatalf("long poll did not return within %v", within)
		return pollResult{}
	}
}

func TestLongPollWakesOnPublish(t *testing.T) {
	ts := start(t, defaultConfig)
	const waiters = 3
	var chans []<-chan pollResult
	for range waiters {
		chans = append(chans, ts.longPoll(PathPoll+"?after=0&wait=30s"))
	}
	// The server counts a long poll once it is waiting.
	servertest.Eventually(t, 5*time.Second, "long polls waiting", func() bool { return ts.env.Stats.ConnsNow.Load() == waiters })
	t0 := time.Now()
	ts.publish(t, []byte("wake up"))
	for _, ch := range chans {
		r := awaitPoll(t, ch, 10*time.Second)
		recs, err := parseRecords(r.body)
		if r.status != http.StatusOK || err != nil {
			t.Fatalf("long poll: %d %v", r.status, err)
		}
		checkRecords(t, "long poll", recs, 1, [][]byte{[]byte("wake up")})
	}
	// 30 s was asked for: returning this early can only be the publish.
	if d := time.Since(t0); d > 10*time.Second {
		t.Errorf("long polls returned %v after the publish", d)
	}
	servertest.Eventually(t, 5*time.Second, "long polls untracked", func() bool { return ts.env.Stats.ConnsNow.Load() == 0 })
	if st := ts.stats(t); st.ConnsTotal != waiters || st.MsgsOut != waiters {
		t.Errorf("stats %+v: want conns_total %d, msgs_out %d", st, waiters, waiters)
	}
}

func TestLongPollTimesOut(t *testing.T) {
	ts := start(t, defaultConfig)
	const wait = 300 * time.Millisecond
	r := awaitPoll(t, ts.longPoll(server.PathBroadcast+"?after=0&wait="+wait.String()), 10*time.Second)
	if r.status != http.StatusNoContent || len(r.body) != 0 {
		t.Fatalf("timed-out long poll: %d %q, want 204", r.status, r.body)
	}
	if r.elapsed < wait || r.elapsed > wait+5*time.Second {
		t.Errorf("long poll of %v returned after %v", wait, r.elapsed)
	}
	servertest.Eventually(t, 5*time.Second, "long poll untracked", func() bool { return ts.env.Stats.ConnsNow.Load() == 0 })
	if n := ts.env.Stats.ConnsTotal.Load(); n != 1 {
		t.Errorf("conns_total %d, want 1", n)
	}
}

// sseEvent is one dispatched Server-Sent Event.
type sseEvent struct {
	id   uint64
	typ  string
	data string
}

// payload decodes the event's data according to its type.
func (e sseEvent) payload() ([]byte, error) {
	switch e.typ {
	case "":
		return []byte(e.data), nil
	case "b64":
		return base64.StdEncoding.DecodeString(e.data)
	}
	return nil, fmt.Errorf("unknown event type %q", e.typ)
}

type sseReader struct {
	br    *bufio.Reader
	pings int
}

// next returns the next event; comments are counted when they are pings.
// The server writes exactly one id, at most one event and one data line.
func (r *sseReader) next() (sseEvent, error) {
	var ev sseEvent
	var fields int
	for {
		line, err := r.br.ReadString('\n')
		if err != nil {
			return ev, err
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case line == "":
			if fields > 0 {
				return ev, nil
			}
		case line == ": ping":
			r.pings++
		case strings.HasPrefix(line, "id: "):
			id, err := strconv.ParseUint(line[4:], 10, 64)
			if err != nil {
				return ev, fmt.Errorf("bad id line %q", line)
			}
			ev.id = id
			fields++
		case strings.HasPrefix(line, "event: "):
			ev.typ = line[7:]
			fields++
		case strings.HasPrefix(line, "data: "):
			ev.data = line[6:]
			fields++
		default:
			return ev, fmt.Errorf("unexpected line %q", line)
		}
	}
}

// openEvents opens an event stream; closing the returned body ends it.
func (ts *testServer) openEvents(t *testing.T, query, lastID string) (io.ReadCloser, *sseReader) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ts.url(PathEvents+query), nil)
	if err != nil {
		t.Fatal(err)
	}
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := ts.client.Transport.RoundTrip(req)
	if err != nil {
		cancel()
		t.Fatalf("GET /events%s: %v", query, err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		cancel()
		t.Fatalf("GET /events%s: %s, Content-Type %q", query, resp.Status, resp.Header.Get("Content-Type"))
	}
	body := &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	t.Cleanup(func() { body.Close() })
	return body, &sseReader{br: bufio.NewReader(resp.Body)}
}

type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error { b.cancel(); return b.ReadCloser.Close() }

func expectEvents(t *testing.T, r *sseReader, firstID uint64, want [][]byte, types []string) {
	t.Helper()
	for i, p := range want {
		ev, err := r.next()
		if err != nil {
			t.Fatalf("event %d: %v", firstID+uint64(i), err)
		}
		got, err := ev.payload()
		if err != nil || ev.id != firstID+uint64(i) || !bytes.Equal(got, p) {
			t.Fatalf("event %d: id %d type %q payload %q (%v), want %q", firstID+uint64(i), ev.id, ev.typ, got, err, p)
		}
		if types != nil && ev.typ != types[i] {
			t.Errorf("event %d: type %q, want %q", ev.id, ev.typ, types[i])
		}
	}
}

func TestEvents(t *testing.T) {
	ts := start(t, defaultConfig)
	ts.publish(t, []byte("before the stream")) // seq 1: not sent without after=
	body, r := ts.openEvents(t, "", "")
	msgs := [][]byte{
		[]byte("plain text"),            // 2
		[]byte("line\nbreak"),           // 3
		{0xff, 0xfe, 'x'},               // 4: not UTF-8
		[]byte("h\u00e9llo w\u00f6rld"), // 5: UTF-8, sent as is
		[]byte("carriage\rreturn"),      // 6
		{},                              // 7: empty
	}
	types := []string{"", "b64", "b64", "", "b64", ""}
	for _, p := range msgs {
		ts.publish(t, p)
	}
	expectEvents(t, r, 2, msgs, types)
	servertest.Eventually(t, 5*time.Second, "msgs_out counted", func() bool { return ts.env.Stats.MsgsOut.Load() == int64(len(msgs)) })
	body.Close()

	// Reconnect: Last-Event-ID wins over after=, nothing repeated.
	_, r = ts.openEvents(t, "?after=1", "4")
	expectEvents(t, r, 5, msgs[3:], types[3:])
	ts.publish(t, []byte("eight"))
	expectEvents(t, r, 8, [][]byte{[]byte("eight")}, nil)

	// after= alone resumes too.
	_, r = ts.openEvents(t, "?after=6", "")
	expectEvents(t, r, 7, [][]byte{{}, []byte("eight")}, nil)

	servertest.Eventually(t, 5*time.Second, "two streams open", func() bool { return ts.env.Stats.ConnsNow.Load() == 2 })
	if n := ts.env.Stats.ConnsTotal.Load(); n != 3 {
		t.Errorf("conns_total %d, want 3", n)
	}
}

// TestEventsResume reconnects at random points while a publisher runs and
// checks that Last-Event-ID gives every message exactly once, in order.
func TestEventsResume(t *testing.T) {
	ts := start(t, defaultConfig)
	const total = 300
	pubErr := make(chan error, 1)
	go func() {
		for i := 1; i <= total; i++ {
			resp, err := ts.client.Post(ts.url(PathPublish), "application/octet-stream", strings.NewReader("msg-"+strconv.Itoa(i)))
			if err != nil {
				pubErr <- err
				return
			}
			resp.Body.Close()
		}
		pubErr <- nil
	}()
	rng := rand.New(rand.NewPCG(1, 2))
	var got uint64
	for reconnects := 0; got < total; reconnects++ {
		if reconnects > total {
			t.Fatal("too many reconnects")
		}
		lastID := ""
		if got > 0 {
			lastID = strconv.FormatUint(got, 10)
		}
		body, r := ts.openEvents(t, "?after=0", lastID)
		for k := 1 + rng.IntN(40); k > 0 && got < total; k-- {
			ev, err := r.next()
			if err != nil {
				t.Fatalf("after event %d: %v", got, err)
			}
			if ev.id != got+1 || ev.typ != "" || ev.data != "msg-"+strconv.FormatUint(got+1, 10) {
				t.Fatalf("after event %d got id %d %q %q", got, ev.id, ev.typ, ev.data)
			}
			got = ev.id
		}
		body.Close()
	}
	if err := <-pubErr; err != nil {
		t.Fatalf("publisher: %v", err)
	}
}

func TestEventsPing(t *testing.T) {
	cfg := defaultConfig
	cfg.pingInterval = 20 * time.Millisecond
	ts := start(t, cfg)
	_, r := ts.openEvents(t, "", "")
	for r.pings < 2 {
		line, err := r.br.ReadString('\n')
		if err != nil {
			t.Fatalf("waiting for pings: %v", err)
		}
		switch line {
		case ": ping\n":
			r.pings++
		case "\n":
		default:
			t.Fatalf("unexpected line %q", line)
		}
	}
}

func TestShutdownEndsWaiters(t *testing.T) {
	ts := start(t, defaultConfig)
	poll := ts.longPoll(PathPoll + "?after=0&wait=60s")
	_, r := ts.openEvents(t, "", "")
	servertest.Eventually(t, 5*time.Second, "long poll and stream tracked", func() bool { return ts.env.Stats.ConnsNow.Load() == 2 })
	t0 := time.Now()
	if err := ts.stop(); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if d := time.Since(t0); d > 2*time.Second {
		t.Errorf("shutdown took %v", d)
	} else {
		t.Logf("shutdown took %v", d)
	}
	res := awaitPoll(t, poll, 2*time.Second)
	if res.status != http.StatusServiceUnavailable {
		t.Errorf("long poll at shutdown: %d %q, want 503", res.status, res.body)
	}
	if _, err := r.next(); err != io.EOF {
		t.Errorf("event stream at shutdown ended with %v, want a clean end (EOF)", err)
	}
	if n := ts.env.Stats.ConnsNow.Load(); n != 0 {
		t.Errorf("conns_now %d after shutdown", n)
	}
}

// stalledStream opens an event stream on a raw connection with a tiny
// receive buffer and reads only the response header: the server's writes
// block once a few MiB are in flight.
func stalledStream(t *testing.T, ts *testServer, query string) (net.Conn, *http.Response) {
	t.Helper()
	d := net.Dialer{Timeout: 5 * time.Second, Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 8192)
		})
		return errors.Join(err, serr)
	}}
	c, err := d.Dial("tcp", ts.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	req, _ := http.NewRequest(http.MethodGet, ts.url(PathEvents+query), nil)
	if err := req.Write(c); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReaderSize(c, 4096), req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("stalled stream: %v %v", resp, err)
	}
	return c, resp
}

// bigPayloads publishes enough data to fill every buffer between the
// server and a stalled reader.
func bigPayloads(t *testing.T, ts *testServer, n int) {
	t.Helper()
	for range n {
		ts.publish(t, payload(8<<20))
	}
}

func TestShutdownStalledStream(t *testing.T) {
	ts := start(t, defaultConfig) // ioTimeout 10 s: only shutdown can end the write promptly
	c, _ := stalledStream(t, ts, "?after=0")
	bigPayloads(t, ts, 2)
	t0 := time.Now()
	if err := ts.stop(); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if d := time.Since(t0); d > 2*time.Second {
		t.Errorf("shutdown with a stalled stream took %v", d)
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Errorf("connection still open 5 s after shutdown")
	}
	if n := ts.env.Stats.SlowDisconnects.Load(); n != 0 {
		t.Errorf("shutdown counted %d slow disconnects", n)
	}
}

func TestSlowStreamDropped(t *testing.T) {
	cfg := defaultConfig
	// Short enough to drop the stalled stream soon, long enough for the
	// 8 MiB publishes to be read on a loaded machine (it bounds both).
	cfg.ioTimeout = 3 * time.Second
	ts := start(t, cfg)
	stalledStream(t, ts, "?after=0")
	bigPayloads(t, ts, 2)
	servertest.Eventually(t, 30*time.Second, "stalled stream dropped", func() bool {
		return ts.env.Stats.SlowDisconnects.Load() == 1 && ts.env.Stats.ConnsNow.Load() == 0
	})
}

func TestLaggingStreamDropped(t *testing.T) {
	cfg := defaultConfig
	cfg.logSize = 4
	ts := start(t, cfg)
	_, resp := stalledStream(t, ts, "?after=0")
	bigPayloads(t, ts, 2)
	for i := range 10 {
		ts.publish(t, []byte("small "+strconv.Itoa(i)))
	}
	// Reading now: whatever the server had taken before messages 1..8
	// left the log arrives in order, then the stream ends.
	r := &sseReader{br: bufio.NewReader(resp.Body)}
	var last uint64
	for {
		ev, err := r.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("after event %d: %v", last, err)
		}
		if ev.id != last+1 || ev.id > 2 {
			t.Fatalf("after event %d got event %d", last, ev.id)
		}
		last = ev.id
	}
	servertest.Eventually(t, 5*time.Second, "lagging stream counted", func() bool {
		return ts.env.Stats.SlowDisconnects.Load() == 1 && ts.env.Stats.ConnsNow.Load() == 0
	})
}

func TestBadRequests(t *testing.T) {
	ts := start(t, defaultConfig)
	for _, tc := range []struct {
		method, path string
		hdr          []string
		status       int
		allow        string
	}{
		{"GET", "/echo", nil, 405, "POST"},
		{"PUT", "/broadcast", nil, 405, "GET, POST"},
		{"GET", "/publish", nil, 405, "POST"},
		{"POST", "/poll", nil, 405, "GET"},
		{"DELETE", "/events", nil, 405, "GET"},
		{"GET", "/echo/sub", nil, 404, ""},
		{"GET", "/broadcast/sub", nil, 404, ""},
		{"GET", "/poll?after=x", nil, 400, ""},
		{"GET", "/poll?after=-1", nil, 400, ""},
		{"GET", "/poll?after=", nil, 400, ""},
		{"GET", "/poll?after=1", nil, 400, ""}, // beyond the newest (empty log)
		{"GET", "/poll?wait=abc", nil, 400, ""},
		{"GET", "/poll?wait=-1s", nil, 400, ""},
		{"GET", "/poll?wait=61s", nil, 400, ""},
		{"GET", "/poll?wait=%zz", nil, 400, ""},
		{"GET", "/broadcast?after=1e3", nil, 400, ""},
		{"GET", "/events?after=x", nil, 400, ""},
		{"GET", "/events?after=5", nil, 400, ""},
		{"GET", "/events", []string{"Last-Event-ID", "abc"}, 400, ""},
		{"GET", "/events?after=0", []string{"Last-Event-ID", "9"}, 400, ""},
	} {
		what := tc.method + " " + tc.path
		resp, body := ts.do(t, tc.method, tc.path, nil, tc.hdr...)
		if resp.StatusCode != tc.status {
			t.Errorf("%s: %s %q, want %d", what, resp.Status, body, tc.status)
			continue
		}
		if got := resp.Header.Get("Allow"); got != tc.allow {
			t.Errorf("%s: Allow %q, want %q", what, got, tc.allow)
		}
		checkOneLine(t, what, body)
	}
	if st := ts.stats(t); st.MsgsIn != 0 || st.MsgsOut != 0 || st.ConnsTotal != 0 {
		t.Errorf("stats %+v after bad requests", st)
	}
}
