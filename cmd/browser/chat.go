package main

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wsbench/wsbench/internal/chatapp"
	"github.com/wsbench/wsbench/servers/server"
)

// chatMsgs is how many messages the first page of room A publishes before
// its final one.
const chatMsgs = 20

// received is one "message" as the demo page recorded it (chat.received).
type received struct {
	Room string `json:"room"`
	From uint64 `json:"from"`
	Seq  uint64 `json:"seq"`
	Text string `json:"text"`
}

// chatPage is one tab of the demo page, a member of one room.
type chatPage struct {
	ctx  context.Context
	room string
	id   uint64
}

// checkChatDemo serves lib's chat demo (internal/chatapp) and opens it in
// three tabs: two in room A, one in room B. The first A page publishes
// chatMsgs messages; once both A pages have them, B publishes one; once B
// has it, the first A page publishes a final one. The per-connection order
// of the server's queue makes any message sent astray arrive before the
// next one awaited, so when the last awaited message is in, each page must
// hold exactly its room's messages, in order. transport forces a
// sockjs-client transport ("" for the browser's WebSocket).
func checkChatDemo(ctx context.Context, lib server.Library, bundle []byte, transport string) (msg string, err error) {
	// The tabs close after the servers have shut down, so that the
	// browser answers their close handshakes at once.
	var closeTabs []context.CancelFunc
	defer func() {
		for _, c := range closeTabs {
			c()
		}
	}()
	app, err := chatapp.Start(lib, "127.0.0.1:0", "127.0.0.1:0", bundle)
	if err != nil {
		return "", fmt.Errorf("start: %w", err)
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if serr := app.Stop(sctx); serr != nil && err == nil {
			err = fmt.Errorf("shutdown: %w", serr)
		}
	}()
	var pages []*chatPage
	for _, room := range []string{"A", "A", "B"} {
		q := url.Values{"room": {room}}
		if transport != "" {
			q.Set("transport", transport)
		}
		tab, cancel := chromedp.NewContext(ctx)
		closeTabs = append(closeTabs, cancel)
		p := &chatPage{ctx: tab, room: room}
		_, err := chromedp.Run(tab, chromedp.Navigate(app.PageURL+"?"+q.Encode()))
		if err == nil {
			p.id, err = chromedp.Run(tab, chromedp.Evaluate[uint64]("chat.ready", chromedp.EvalAwaitPromise))
		}
		if err != nil {
			return "", fmt.Errorf("page %d in room %s: %w", len(pages)+1, room, err)
		}
		if transport != "" {
			if tr, err := chromedp.Run(tab, chromedp.Evaluate[string]("chat.sock.transport")); err != nil || tr != transport {
				return "", fmt.Errorf("page %d: transport %q (%v), want %q", len(pages)+1, tr, err, transport)
			}
		}
		pages = append(pages, p)
	}
	a1, a2, b := pages[0], pages[1], pages[2]
	var want []received
	publish := func(p *chatPage, text string) error {
		seq, err := chromedp.Run(p.ctx, chromedp.Evaluate[uint64]("chat.publish("+strconv.Quote(p.room)+", "+strconv.Quote(text)+")"))
		if err != nil {
			return fmt.Errorf("publish from room %s: %w", p.room, err)
		}
		want = append(want, received{Room: p.room, From: p.id, Seq: seq, Text: text})
		return nil
	}
	for i := 1; i <= chatMsgs; i++ {
		if err := publish(a1, "a-"+strconv.Itoa(i)); err != nil {
			return "", err
		}
	}
	if err := waitRoom(a1, chatMsgs); err != nil {
		return "", err
	}
	if err := waitRoom(a2, chatMsgs); err != nil {
		return "", err
	}
	if err := publish(b, "b-1"); err != nil {
		return "", err
	}
	if err := waitRoom(b, 1); err != nil {
		return "", err
	}
	if err := publish(a1, "a-final"); err != nil {
		return "", err
	}
	for _, p := range []*chatPage{a1, a2} {
		if err := waitRoom(p, chatMsgs+1); err != nil {
			return "", err
		}
	}
	for i, p := range pages {
		got, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]received]("chat.received.map(m => ({room: m.room, from: m.from, seq: m.seq, text: m.text}))"))
		if err != nil {
			return "", fmt.Errorf("page %d: reading its messages: %w", i+1, err)
		}
		mine := slices.DeleteFunc(slices.Clone(want), func(m received) bool { return m.Room != p.room })
		if !slices.Equal(got, mine) {
			return "", fmt.Errorf("page %d in room %s got %d messages %v, want %d %v", i+1, p.room, len(got), got, len(mine), mine)
		}
	}
	return fmt.Sprintf("2 pages in A, 1 in B: %d messages of A at both A pages in order, B's only at B", chatMsgs+1), nil
}

// waitRoom waits until page p has n messages of its room.
func waitRoom(p *chatPage, n int) error {
	js := fmt.Sprintf(`new Promise((resolve) => { const tick = () => chat.received.filter((m) => m.room === %q).length >= %d ? resolve(true) : setTimeout(tick, 10); tick(); })`, p.room, n)
	if _, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](js, chromedp.EvalAwaitPromise)); err != nil {
		return fmt.Errorf("waiting for %d messages of room %s: %w", n, p.room, err)
	}
	return nil
}
