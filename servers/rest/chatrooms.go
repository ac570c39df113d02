package rest

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/wsbench/wsbench/servers/chat"
)

// The chat rooms of servers/chat/PROTOCOL.md over plain HTTP: each room is
// a bounded log of delivery messages (the JSON a WebSocket member
// receives), encoded once at publish and served to every reader.
//
//	POST /chat/{room}/publish   body: a publish message; reply "SEQ\n"
//	GET  /chat/{room}/poll      ?after=SEQ[&wait=DURATION]: records, as /poll;
//	                            without after: 204 and X-Last-Seq (the cursor)
//	GET  /chat/{room}/events    SSE; Last-Event-ID or ?after=SEQ, else newest
//
// {room} is path-escaped. The publish body may carry "from", the sender's
// id chosen by the client (REST has no connection to name it).
const (
	// PathChat is the prefix of the chat rooms.
	PathChat = "/chat/"
	// ChatLogSize is how many of its newest messages a room retains.
	ChatLogSize = 1024
	// MaxChatRooms bounds the rooms a server holds (rooms are never
	// removed; a publish or read that would create one more gets 429). An
	// idle room's log is a small ring (initialRing) that grows as it fills.
	MaxChatRooms = 4096
)

// chatRooms holds the rooms' logs.
type chatRooms struct {
	size int
	mu   sync.Mutex
	logs map[string]*msgLog
}

func newChatRooms(size int) *chatRooms {
	return &chatRooms{size: size, logs: make(map[string]*msgLog)}
}

var errTooManyRooms = errors.New("too many rooms (at most " + strconv.Itoa(MaxChatRooms) + ")")

// room returns the log of name, creating it when needed.
func (c *chatRooms) room(name string) (*msgLog, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.logs[name]
	if l == nil {
		if len(c.logs) >= MaxChatRooms {
			return nil, errTooManyRooms
		}
		l = newLog(c.size)
		c.logs[name] = l
	}
	return l, nil
}

// restPublish is a publish message as the REST endpoint reads it.
type restPublish struct {
	chat.In
	From uint64 `json:"from"`
}

// chatRoom serves /chat/{room}/{publish,poll,events}.
func (s *service) chatRoom(w http.ResponseWriter, r *http.Request) {
	rest, _ := strings.CutPrefix(r.URL.EscapedPath(), PathChat)
	i := strings.LastIndexByte(rest, '/')
	if i < 0 {
		http.Error(w, "want /chat/{room}/publish, /poll or /events", http.StatusNotFound)
		return
	}
	action := rest[i+1:]
	room, err := url.PathUnescape(rest[:i])
	switch {
	case err != nil:
		http.Error(w, "bad room: "+err.Error(), http.StatusBadRequest)
		return
	case room == "":
		http.Error(w, "missing room", http.StatusBadRequest)
		return
	case len(room) > chat.MaxRoom:
		http.Error(w, "room name longer than "+strconv.Itoa(chat.MaxRoom)+" bytes", http.StatusBadRequest)
		return
	case action != "publish" && action != "poll" && action != "events":
		http.Error(w, "unknown action "+strconv.Quote(action)+": want publish, poll or events", http.StatusNotFound)
		return
	}
	l, err := s.chat.room(room)
	if err != nil {
		http.Error(w, err.Error(), http.StatusTooManyRequests)
		return
	}
	switch action {
	case "publish":
		s.chatPublish(w, r, room, l)
	case "poll":
		s.pollLog(w, r, l, true)
	case "events":
		s.eventsLog(w, r, l)
	}
}

// chatPublish appends the delivery message of a publish to room's log.
func (s *service) chatPublish(w http.ResponseWriter, r *http.Request, room string, l *msgLog) {
	if !allow(w, r, "", http.MethodPost) {
		return
	}
	s.setDeadlines(w)
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	body, err := readBody(w, r, (*bp)[:0], chat.MaxIn)
	*bp = body[:0]
	if err != nil {
		if errors.Is(err, errTooBig) {
			w.Header().Set("Connection", "close")
			http.Error(w, "message too large: at most "+strconv.Itoa(chat.MaxIn)+" bytes", http.StatusRequestEntityTooLarge)
			return
		}
		bodyError(w, r, err)
		return
	}
	var in restPublish
	if err := json.Unmarshal(body, &in); err != nil {
		http.Error(w, "malformed JSON: "+err.Error(), http.StatusBadRequest)
		return
	}
	if err := chat.Check(&in.In); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	switch {
	case in.Type != chat.TypePublish:
		http.Error(w, "type "+strconv.Quote(in.Type)+": only publish is posted (a reader is in a room by reading it)", http.StatusBadRequest)
		return
	case in.Room != room:
		http.Error(w, "room "+strconv.Quote(in.Room)+" in the body is not the room of the URL "+strconv.Quote(room), http.StatusBadRequest)
		return
	}
	p, _ := json.Marshal(&chat.Message{Type: chat.TypeMessage, Room: room, From: in.From, Seq: in.Seq, TS: in.TS, Text: in.Text})
	seq := l.append(p)
	s.env.Stats.MsgsIn.Add(1)
	w.Header()["Content-Type"] = hdrText
	var b [24]byte
	_, _ = w.Write(append(strconv.AppendUint(b[:0], seq, 10), '\n'))
}
