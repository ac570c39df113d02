package scenario

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// delivery is a chat delivery as encoding/json writes it.
func delivery(t testing.TB, room string, from, seq uint64, ts int64, text []byte) []byte {
	t.Helper()
	b, err := json.Marshal(chatIn{Type: "message", Room: room, From: from, Seq: seq, TS: ts, Text: string(text)})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// agrees checks that parse reads b as encoding/json does.
func agrees(t *testing.T, b []byte) {
	t.Helper()
	var in chatIn
	jerr := json.Unmarshal(b, &in)
	var m chatMsg
	ok := m.parse(b)
	if ok != (jerr == nil) {
		t.Fatalf("%q: parse %v, encoding/json %v", b, ok, jerr)
	}
	if !ok {
		return
	}
	if string(m.typ) != in.Type || string(m.room) != in.Room || string(m.text) != in.Text ||
		m.id != in.ID || m.from != in.From || m.seq != in.Seq || m.ts != in.TS {
		t.Fatalf("%q: parse %q %q %q %d %d %d %d, encoding/json %+v", b, m.typ, m.room, m.text, m.id, m.from, m.seq, m.ts, in)
	}
}

func TestChatParseAgreesWithEncodingJSON(t *testing.T) {
	for seq := uint64(1); seq <= 500; seq++ {
		agrees(t, delivery(t, "r7", 12345, seq, -int64(seq)*1e15, chatText(nil, 7, seq)))
	}
	for _, s := range []string{
		`{"type":"message","room":"r1","from":3,"seq":9,"ts":1764655856000000000,"text":"hi"}`,
		` { "text" : "a\"b\\c\/d\b\f\n\r\t" , "seq" : 1 , "type":"message" } `,
		`{"text":"\u00e9\u20AC\ud83d\ude02 lone \ud83d x \ude02 \ud83d\u0041"}`,
		`{"extra":{"a":[1,2,{"b":"}]\""}],"c":null},"seq":4,"more":[],"n":-1.5e3,"t":true}`,
		`{"type":"message","type":"joined"}`,
		`{}`,
		`{"seq":1.0}`, `{"seq":1e2}`, `{"seq":-1}`, `{"seq":01}`, `{"seq":18446744073709551616}`,
		`{"seq":18446744073709551615,"ts":-9223372036854775808}`, `{"ts":9223372036854775808}`,
		`{"seq":null}`, `{"text":null}`, `{"text":"raw` + "\x01" + `"}`, `{"text":"\x"}`, `{"text":"\u12"}`,
		`{"seq":1`, `{"seq":1,}`, `{"seq":}`, `{"seq" 1}`, `{"seq":1} x`, `[1]`, ``, `"s"`, `{"a":"unterminated}`,
		`{"text":"emoji 👍 and \u003c\u003e\u0026"}`,
	} {
		agrees(t, []byte(s))
	}
}

func TestChatParseAllocatesNothing(t *testing.T) {
	b := delivery(t, "r3", 77, 1, 1764655856000000000, chatText(nil, 3, 1))
	var m chatMsg
	want := chatText(nil, 3, 1)
	m.parse(b) // grows the buffers
	if n := testing.AllocsPerRun(200, func() {
		if !m.parse(b) || !bytes.Equal(m.text, want) {
			t.Fatal("parse failed")
		}
	}); n != 0 {
		t.Fatalf("%v allocations per parse", n)
	}
}

// chatDeliveries are deliveries of realistic texts for the benchmarks.
func chatDeliveries(b *testing.B) [][]byte {
	out := make([][]byte, 256)
	for i := range out {
		seq := uint64(i + 1)
		out[i] = delivery(b, "r3", 77, seq, 1764655856000000000+int64(i), chatText(nil, 3, seq))
	}
	return out
}

// BenchmarkChatReceive is the client's CPU per delivery beyond the socket
// read: parse, then check the text against the generator (chatReader).
// The encoding-json case is the receive path before the scan.
func BenchmarkChatReceive(b *testing.B) {
	msgs := chatDeliveries(b)
	b.Run("scan", func(b *testing.B) {
		var m chatMsg
		var want []byte
		b.ReportAllocs()
		for i := range b.N {
			if !m.parse(msgs[i%len(msgs)]) {
				b.Fatal("parse")
			}
			want = chatText(want, 3, m.seq)
			if !bytes.Equal(m.text, want) {
				b.Fatal("text")
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		var want []byte
		b.ReportAllocs()
		for i := range b.N {
			var in chatIn
			if json.Unmarshal(msgs[i%len(msgs)], &in) != nil {
				b.Fatal("parse")
			}
			want = chatText(want, 3, in.Seq)
			if in.Text != string(want) {
				b.Fatal("text")
			}
		}
	})
	b.Run("text-only", func(b *testing.B) {
		var want []byte
		b.ReportAllocs()
		for i := range b.N {
			want = chatText(want, 3, uint64(i%len(msgs))+1)
		}
	})
}

// chatTextRand is chatText written with math/rand/v2's Rand.
func chatTextRand(pub int, seq uint64) string {
	rng := rand.New(rand.NewPCG(uint64(pub)+1, seq))
	u := rng.Float64()
	n := chatTextMin + int(u*u*u*float64(chatTextMax-chatTextMin))
	var dst []byte
	for len(dst) < n {
		if len(dst) > 0 {
			dst = append(dst, ' ')
		}
		dst = append(dst, chatWords[rng.IntN(len(chatWords))]...)
	}
	return string(dst)
}

func TestChatTextAsMathRand(t *testing.T) {
	if ^uint(0)>>32 == 0 {
		t.Skip("math/rand/v2 draws IntN differently on 32-bit platforms")
	}
	var buf []byte
	for pub := range 5 {
		for seq := uint64(1); seq <= 400; seq++ {
			buf = chatText(buf, pub, seq)
			if want := chatTextRand(pub, seq); string(buf) != want {
				t.Fatalf("publisher %d seq %d: %q, math/rand/v2 %q", pub, seq, buf, want)
			}
		}
	}
	if n := testing.AllocsPerRun(200, func() { buf = chatText(buf, 2, 9) }); n != 0 {
		t.Fatalf("chatText: %v allocations", n)
	}
}

// TestChatPaths runs a clean and a lossy chat on the event loops and on
// goroutines: both find every delivery, and the one loss.
func TestChatPaths(t *testing.T) {
	t.Cleanup(func() { chatOnGoroutines = false })
	for _, goroutines := range []bool{false, true} {
		chatOnGoroutines = goroutines
		cfg := chatConfig("ws://" + startLib(t, "gorilla"))
		res := run(t, cfg)
		clean(t, res)
		if res.Received == 0 || res.Expected != res.Sent*int64(cfg.Members) {
			t.Fatalf("goroutines %v: sent %d expected %d received %d", goroutines, res.Sent, res.Expected, res.Received)
		}
		res = run(t, chatConfig(lossyChatServer(t, 50)))
		if !res.Failed || res.Lost != 1 || res.Duplicated+res.Reordered+res.Corrupt != 0 {
			t.Fatalf("goroutines %v, lossy: failed %v (%s): lost %d", goroutines, res.Failed, res.Failure, res.Lost)
		}
	}
}
