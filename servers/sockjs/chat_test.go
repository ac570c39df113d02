package sockjs

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/wsbench/wsbench/servers/chat"
	"github.com/wsbench/wsbench/servers/server"
)

// pollChat polls an xhr-polling session until it gets a message frame and
// returns its protocol messages, decoded (SockJS framing, then JSON).
func pollChat(t *testing.T, url string) []map[string]any {
	t.Helper()
	const maxPolls = 1000
	for range maxPolls {
		status, body := post(t, url, "")
		if status == http.StatusOK && (body == anotherConnection || body == "h\n") {
			continue
		}
		if status != http.StatusOK || !strings.HasPrefix(body, "a") {
			t.Fatalf("POST %s: %d %.80q, want a message frame", url, status, body)
		}
		var frames []string
		if err := json.Unmarshal([]byte(body[1:]), &frames); err != nil {
			t.Fatalf("frame %q: %v", body, err)
		}
		var out []map[string]any
		for _, f := range frames {
			var m map[string]any
			if err := json.Unmarshal([]byte(f), &m); err != nil {
				t.Fatalf("message %q: %v", f, err)
			}
			out = append(out, m)
		}
		return out
	}
	t.Fatalf("POST %s: no message after %d polls", url, maxPolls)
	return nil
}

// sendChat sends protocol messages with xhr_send, each a string inside
// SockJS's JSON array.
func sendChat(t *testing.T, base string, msgs ...any) {
	t.Helper()
	var frames []string
	for _, m := range msgs {
		p, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		frames = append(frames, string(p))
	}
	body, _ := json.Marshal(frames)
	expectPost(t, base+"/xhr_send", string(body), http.StatusNoContent, "")
}

// TestChatXHR: the chat protocol over an HTTP transport (xhr-polling)
// beside a websocket-transport member of the same room.
func TestChatXHR(t *testing.T) {
	r := start(t, options(Production), nil)
	base := strings.TrimSuffix(sessionURL("http", r, server.PathChat, "xhr"), "/xhr")
	expectPost(t, base+"/xhr", "", http.StatusOK, "o\n")
	sendChat(t, base, chat.In{Type: chat.TypeJoin, Room: "lobby"})
	got := pollChat(t, base+"/xhr")
	if len(got) != 1 || got[0]["type"] != chat.TypeJoined {
		t.Fatalf("join over xhr: %v", got)
	}
	id := got[0]["id"]

	ws := dialWS(t, r, server.PathChat)
	join, _ := json.Marshal(chat.In{Type: chat.TypeJoin, Room: "lobby"})
	q, _ := json.Marshal([]string{string(join)})
	sendFrame(t, ws, string(q))
	if f := readFrame(t, ws, false); !strings.Contains(f, `joined`) {
		t.Fatalf("join over websocket: %q", f)
	}

	sendChat(t, base, chat.In{Type: chat.TypePublish, Room: "lobby", Seq: 1, TS: 2, Text: `"hi" ü`}, chat.In{Type: "wave"})
	var msgs []map[string]any
	for len(msgs) < 2 {
		msgs = append(msgs, pollChat(t, base+"/xhr")...)
	}
	if m := msgs[0]; m["type"] != chat.TypeMessage || m["from"] != id || m["text"] != `"hi" ü` || msgs[1]["type"] != chat.TypeError {
		t.Fatalf("over xhr: %v", msgs)
	}
	f := readFrame(t, ws, false)
	var frames []string
	if err := json.Unmarshal([]byte(strings.TrimPrefix(f, "a")), &frames); err != nil || len(frames) != 1 || !strings.Contains(frames[0], `"from":`) {
		t.Fatalf("over websocket: %q (%v)", f, err)
	}
}
