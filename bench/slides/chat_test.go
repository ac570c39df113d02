package slides

import (
	"slices"
	"testing"

	"github.com/wsbench/wsbench/bench/chatmatrix"
	"github.com/wsbench/wsbench/internal/demo"
)

// The chat stage's slides follow the fan-out, one per chat finding, each
// titled with its finding and showing every library of its table.
func TestChatSlides(t *testing.T) {
	c := chatmatrix.Default()
	res := &chatmatrix.Results{Config: c, Complete: true, Capacity: []chatmatrix.ShapeResult{
		{Lib: "a", Shape: c.Shapes[0], Capacity: chatmatrix.Capacity{Delivered: 1000, Rate: 5, Limit: "p99", Ranked: true}},
		{Lib: "b", Shape: c.Shapes[0], Capacity: chatmatrix.Capacity{Delivered: 3000, Rate: 15, Limit: "p99", Ranked: true}},
		{Lib: "a", Shape: c.Shapes[1], Capacity: chatmatrix.Capacity{Delivered: 900, Rate: 5, Limit: "client"}},
	}, Crowd: []chatmatrix.CrowdResult{{Lib: "a", Kind: "echo", Good: true, Conns: 19000, Active: 950, RSSPerConnBytes: 2048, P99US: 3000}}}
	run := demo.Run(true)
	m := Model(run, nil, chatmatrix.ModelFindings(res)...)
	d := BuildFrom(m, nil, ChatSlides(m, res)...)
	got := ids(d)
	fan := slices.Index(got, "fanout")
	want := []string{"chat-big-group", "chat-small-group", "chat-idle-crowd-echo"}
	if fan < 0 || len(got) < fan+1+len(want) || !slices.Equal(got[fan+1:fan+1+len(want)], want) {
		t.Fatalf("slides %v: want %v after the fan-out", got, want)
	}
	for _, id := range want {
		s := slide(t, d, id)
		if f := m.Finding(id); f == nil || s.Title != f.Title || s.Finding != id {
			t.Errorf("%s: title %q is not its finding's", id, s.Title)
		}
	}
	if rows := slide(t, d, "chat-big-group").Table.Rows; len(rows) != 2 || rows[0][0] != "b" { // highest capacity first
		t.Errorf("big-group rows %v", rows)
	}
	if rows := slide(t, d, "chat-small-group").Table.Rows; len(rows) != 1 || rows[0][1] != "900 (client, not ranked)" {
		t.Errorf("small-group rows %v", rows)
	}
	if ChatSlides(m, nil) != nil {
		t.Error("chat slides without a chat stage")
	}
}

// A table of every library folds into two columns of entries so that it
// fits a slide; a short one stays as it is.
func TestFoldedTable(t *testing.T) {
	tb := &Table{Header: []string{"library", "v"}}
	for i := 0; i < 13; i++ {
		tb.Rows = append(tb.Rows, []string{string(rune('a' + i)), "1"})
	}
	f := tb.folded()
	if len(f.Header) != 4 || len(f.Rows) != 7 {
		t.Fatalf("folded %d columns, %d rows", len(f.Header), len(f.Rows))
	}
	if f.Rows[0][0] != "a" || f.Rows[0][2] != "h" || f.Rows[6][0] != "g" || f.Rows[6][2] != "" {
		t.Errorf("rows %v", f.Rows)
	}
	short := &Table{Header: []string{"x"}, Rows: [][]string{{"1"}}}
	if short.folded() != short {
		t.Error("a short table was folded")
	}
}
