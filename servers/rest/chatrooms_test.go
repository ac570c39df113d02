package rest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wsbench/wsbench/servers/chat"
)

func chatPost(t *testing.T, ts *testServer, room, body string) (*http.Response, []byte) {
	t.Helper()
	return ts.do(t, http.MethodPost, "/chat/"+room+"/publish", strings.NewReader(body))
}

// delivery is what a publish of seq by from to room must read back as.
func delivery(room string, from, seq uint64, ts int64, text string) string {
	p, _ := json.Marshal(&chat.Message{Type: chat.TypeMessage, Room: room, From: from, Seq: seq, TS: ts, Text: text})
	return string(p)
}

func TestChatPublishPollLongPollEvents(t *testing.T) {
	ts := start(t, defaultConfig)
	// The cursor of a new room is 0; of another room, unaffected.
	resp, _ := ts.do(t, http.MethodGet, "/chat/lobby/poll", nil)
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("X-Last-Seq") != "0" {
		t.Fatalf("cursor of an empty room: %s, X-Last-Seq %q", resp.Status, resp.Header.Get("X-Last-Seq"))
	}
	texts := []string{"hi", "line\nwith \"quotes\" 👍"}
	for i, text := range texts {
		q, _ := json.Marshal(text)
		resp, body := chatPost(t, ts, "lobby", `{"type":"publish","room":"lobby","from":9,"seq":`+strconv.Itoa(i+1)+`,"ts":42,"text":`+string(q)+`}`)
		if resp.StatusCode != http.StatusOK || string(body) != strconv.Itoa(i+1)+"\n" {
			t.Fatalf("publish %d: %s %q", i, resp.Status, body)
		}
	}
	if resp, body := chatPost(t, ts, "other", `{"type":"publish","room":"other","text":"x"}`); resp.StatusCode != http.StatusOK || string(body) != "1\n" {
		t.Fatalf("publish to another room: %s %q", resp.Status, body)
	}
	resp, _ = ts.do(t, http.MethodGet, "/chat/lobby/poll", nil)
	if got := resp.Header.Get("X-Last-Seq"); got != strconv.Itoa(len(texts)) {
		t.Fatalf("cursor after %d publishes: %q", len(texts), got)
	}

	// Poll: records of the room's messages only, in order.
	var want bytes.Buffer
	for i, text := range texts {
		d := delivery("lobby", 9, uint64(i+1), 42, text)
		want.WriteString(strconv.Itoa(i+1) + " " + strconv.Itoa(len(d)) + "\n" + d + "\n")
	}
	resp, body := ts.do(t, http.MethodGet, "/chat/lobby/poll?after=0", nil)
	if resp.StatusCode != http.StatusOK || string(body) != want.String() {
		t.Fatalf("poll: %s\n got %q\nwant %q", resp.Status, body, want.String())
	}

	// Long poll: waits for the next publish.
	got := make(chan []byte, 1)
	go func() {
		resp, err := ts.client.Get(ts.url("/chat/lobby/poll?after=2&wait=20s"))
		if err != nil {
			got <- []byte(err.Error())
			return
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		got <- b.Bytes()
	}()
	waitFor(t, func() bool { return ts.env.Stats.ConnsNow.Load() > 0 })
	chatPost(t, ts, "lobby", `{"type":"publish","room":"lobby","from":3,"seq":1,"ts":7,"text":"late"}`)
	d := delivery("lobby", 3, 1, 7, "late")
	if b := <-got; string(b) != "3 "+strconv.Itoa(len(d))+"\n"+d+"\n" {
		t.Fatalf("long poll: %q", b)
	}

	// SSE: from after=1, the second and third messages as data lines.
	req, _ := http.NewRequest(http.MethodGet, ts.url("/chat/lobby/events?after=1"), nil)
	sresp, err := ts.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer sresp.Body.Close()
	if ct := sresp.Header.Get("Content-Type"); sresp.StatusCode != http.StatusOK || ct != "text/event-stream" {
		t.Fatalf("events: %s %q", sresp.Status, ct)
	}
	br := bufio.NewReader(sresp.Body)
	wantLines := []string{"id: 2", "data: " + delivery("lobby", 9, 2, 42, texts[1]), "", "id: 3", "data: " + d, ""}
	for _, w := range wantLines {
		line, err := br.ReadString('\n')
		if err != nil || strings.TrimSuffix(line, "\n") != w {
			t.Fatalf("event line %q (%v), want %q", line, err, w)
		}
	}
}

// waitFor polls cond (no event to await from outside the handler); the
// test's own deadline bounds it.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestChatBadInput(t *testing.T) {
	ts := start(t, defaultConfig)
	long := strings.Repeat("x", chat.MaxRoom+1)
	cases := []struct {
		method, path, body string
		code               int
		says               string
	}{
		{"POST", "/chat/r/publish", `{"type":"publish"`, 400, "malformed JSON"},
		{"POST", "/chat/r/publish", `{"type":"shout","room":"r"}`, 400, "unknown type"},
		{"POST", "/chat/r/publish", `{"type":"join","room":"r"}`, 400, "only publish"},
		{"POST", "/chat/r/publish", `{"type":"publish","room":"s"}`, 400, "not the room of the URL"},
		{"POST", "/chat/r/publish", `{"type":"publish","room":"r","text":"` + strings.Repeat("y", chat.MaxText+1) + `"}`, 400, "text too large"},
		{"POST", "/chat/r/publish", strings.Repeat(" ", chat.MaxIn+1), 413, "message too large"},
		{"POST", "/chat/" + long + "/publish", `{}`, 400, "longer than"},
		{"GET", "/chat/r/publish", ``, 405, "use POST"},
		{"POST", "/chat/r/poll", ``, 405, "use GET"},
		{"GET", "/chat/r/shout", ``, 404, "unknown action"},
		{"GET", "/chat/r", ``, 404, "want /chat/{room}"},
		{"GET", "/chat/r/poll?after=x", ``, 400, "bad after"},
		{"GET", "/chat/r/poll?after=5", ``, 400, "beyond the newest"},
		{"GET", "/chat/r/poll?after=0&wait=forever", ``, 400, "bad wait"},
		{"GET", "/chat/r/events?after=-1", ``, 400, "bad after"},
	}
	for _, c := range cases {
		var body *strings.Reader
		if c.body != "" {
			body = strings.NewReader(c.body)
		}
		var resp *http.Response
		var b []byte
		if body != nil {
			resp, b = ts.do(t, c.method, c.path, body)
		} else {
			resp, b = ts.do(t, c.method, c.path, nil)
		}
		if resp.StatusCode != c.code || !strings.Contains(string(b), c.says) {
			t.Errorf("%s %s %.40q: %s %q, want %d saying %q", c.method, c.path, c.body, resp.Status, b, c.code, c.says)
		}
	}
	// A room is usable after every refusal.
	if resp, body := chatPost(t, ts, "r", `{"type":"publish","room":"r","text":"ok"}`); resp.StatusCode != http.StatusOK || string(body) != "1\n" {
		t.Fatalf("publish after refusals: %s %q", resp.Status, body)
	}
}

func TestChatRoomEscapedName(t *testing.T) {
	ts := start(t, defaultConfig)
	if resp, body := chatPost(t, ts, "a%2Fb%20c", `{"type":"publish","room":"a/b c","text":"ok"}`); resp.StatusCode != http.StatusOK {
		t.Fatalf("publish to an escaped room name: %s %q", resp.Status, body)
	}
	resp, body := ts.do(t, http.MethodGet, "/chat/a%2Fb%20c/poll?after=0", nil)
	if d := delivery("a/b c", 0, 0, 0, "ok"); resp.StatusCode != http.StatusOK || !strings.Contains(string(body), d) {
		t.Fatalf("poll of an escaped room name: %s %q", resp.Status, body)
	}
}
