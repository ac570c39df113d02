package scenario

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"github.com/gorilla/websocket"

	"github.com/wsbench/wsbench/loadgen/wire"
)

func chatConfig(url string) Config {
	cfg := short(url)
	cfg.Conns = 0
	cfg.Scenario, cfg.Rooms, cfg.Members, cfg.Publishers, cfg.Rate = Chat, 3, 4, 2, 100
	return cfg
}

func TestChatGorilla(t *testing.T) {
	cfg := chatConfig("ws://" + startLib(t, "gorilla"))
	cfg.ServerPID = os.Getpid()
	res := run(t, cfg)
	clean(t, res)
	members := int64(cfg.Members)
	if res.Expected != res.Sent*members || res.Conns != cfg.Rooms*cfg.Members || res.Rooms != cfg.Rooms || res.Members != cfg.Members {
		t.Fatalf("sent %d expected %d conns %d rooms %d members %d", res.Sent, res.Expected, res.Conns, res.Rooms, res.Members)
	}
	if d := res.DeliveryUS; d == nil || d.Count != res.Received || res.DeliveredMsgsPerSec != res.MsgsPerSec || res.DeliveredMsgsPerSec <= 0 {
		t.Fatalf("delivery %+v, delivered/s %v, msgs/s %v", d, res.DeliveredMsgsPerSec, res.MsgsPerSec)
	}
	if pr := res.PerRoom; pr == nil || pr.Jain <= 0 || pr.Jain > 1 {
		t.Fatalf("per_room %+v", pr)
	}
	if res.Server == nil || res.Server.CPUUSPerMsg <= 0 {
		t.Fatalf("server %+v", res.Server)
	}
}

func TestChatText(t *testing.T) {
	var lo, hi int
	for seq := uint64(1); seq <= 2000; seq++ {
		a := string(chatText(nil, 3, seq))
		if b := string(chatText(make([]byte, 7), 3, seq)); a != b {
			t.Fatalf("not deterministic: %q, %q", a, b)
		}
		if !utf8.ValidString(a) {
			t.Fatalf("not UTF-8: %q", a)
		}
		p := appendPublish(nil, "r12", seq, 1764655856000000000, []byte(a))
		var m map[string]any
		if err := json.Unmarshal(p, &m); err != nil || m["text"] != a {
			t.Fatalf("publish %s: %v", p, err)
		}
		switch {
		case len(p) < 60:
			lo++
		case len(p) > 320:
			t.Fatalf("publish of %d bytes", len(p))
		case len(p) > 200:
			hi++
		}
	}
	if lo != 0 || hi == 0 {
		t.Fatalf("publish sizes: %d under 60 bytes, %d over 200", lo, hi)
	}
}

// lossyChatServer is a chat server that leaves out its at-th delivery.
func lossyChatServer(t *testing.T, at int64) string {
	t.Helper()
	var mu sync.Mutex
	rooms := map[string][]*websocket.Conn{}
	var ids, n atomic.Int64
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		id := ids.Add(1)
		for {
			var in chatIn
			if err := c.ReadJSON(&in); err != nil {
				return
			}
			mu.Lock()
			switch in.Type {
			case "join":
				rooms[in.Room] = append(rooms[in.Room], c)
				_ = c.WriteJSON(map[string]any{"type": "joined", "room": in.Room, "id": id})
			case "publish":
				out := chatIn{Type: "message", Room: in.Room, From: uint64(id), Seq: in.Seq, TS: in.TS, Text: in.Text}
				for _, d := range rooms[in.Room] {
					if n.Add(1) != at {
						_ = d.WriteJSON(out)
					}
				}
			}
			mu.Unlock()
		}
	}))
	t.Cleanup(func() { srv.CloseClientConnections(); srv.Close() })
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

func TestChatLossCaught(t *testing.T) {
	cfg := chatConfig(lossyChatServer(t, 50))
	res := run(t, cfg)
	// The lost delivery may fall in the warm-up: Lost counts the whole run.
	if !res.Failed || res.Lost != 1 || res.Duplicated+res.Reordered+res.Corrupt != 0 {
		t.Fatalf("failed %v (%s): lost %d expected %d received %d", res.Failed, res.Failure, res.Lost, res.Expected, res.Received)
	}
}

func TestChatCheck(t *testing.T) {
	bad := []Config{
		{URL: "ws://x", Scenario: Chat},                                     // no rate
		{URL: "ws://x", Scenario: Chat, Rate: 1, Members: 2, Publishers: 3}, // more publishers than members
		{URL: "ws://x", Scenario: Chat, Rate: 1, Conns: 7},                  // conns is rooms x members
		{URL: "tcp://x", Scenario: Chat, Rate: 1},                           // no chat over plain TCP
		{URL: "ws://x", Scenario: Echo, Rooms: 2},                           // rooms without chat
		{URL: "ws://x", Proto: wire.SockJS, Scenario: Chat, Rate: 1, Transport: wire.XHRPolling},
	}
	for _, c := range bad {
		if err := c.Check(); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	const rooms, members = 5, 7
	c := Config{URL: "ws://127.0.0.1:9", Scenario: Chat, Rate: 1, Rooms: rooms, Members: members}
	if err := c.Check(); err != nil || c.Conns != rooms*members || c.Publishers != DefaultPublishers {
		t.Fatalf("check: %v, conns %d publishers %d", err, c.Conns, c.Publishers)
	}
}

func TestChatSockJS(t *testing.T) {
	cfg := chatConfig("ws://" + startLib(t, "sockjs"))
	cfg.Proto = wire.SockJS
	res := run(t, cfg)
	clean(t, res)
	if res.Expected != res.Sent*int64(cfg.Members) || res.Variant != "sockjs-websocket" {
		t.Fatalf("sent %d expected %d variant %s", res.Sent, res.Expected, res.Variant)
	}
}
