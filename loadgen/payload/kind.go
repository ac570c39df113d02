package payload

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Kind is what fills a message after its header: the fixed pattern of
// every run (Pattern, the default), or text cut from a pool of generated
// content, at an offset that varies with the message's sequence number and
// stream, so that consecutive messages differ as real ones do (what
// permessage-deflate with context takeover can exploit is then what real
// traffic offers, not a repeated buffer).
type Kind string

// Kinds.
const (
	// Pattern is the fixed filler pattern (see the package comment).
	Pattern Kind = "pattern"
	// ChatJSON is chat-like JSON: short message objects back to back,
	// {"room":…,"user":…,"seq":…,"text":…}, with the chat rooms'
	// generator of short chat lines (ChatText) as text.
	ChatJSON Kind = "chat-json"
	// JSON is JSON records of an API response (ids, names, e-mail
	// addresses, tags, nested objects, numbers), e.g. 16 KiB documents.
	JSON Kind = "json"
	// Random is uniformly random bytes, the worst case for compression;
	// for a text message (TextOnly), random letters and digits of a
	// 64-symbol alphabet instead, which deflate still shrinks by a quarter.
	Random Kind = "random"
)

// Kinds lists the kinds, the default first.
var Kinds = []Kind{Pattern, ChatJSON, JSON, Random}

// ParseKind reads a kind's name ("" is Pattern).
func ParseKind(s string) (Kind, error) {
	if s == "" {
		return Pattern, nil
	}
	if !slices.Contains(Kinds, Kind(s)) {
		return "", fmt.Errorf("unknown payload kind %q (want pattern, chat-json, json or random)", s)
	}
	return Kind(s), nil
}

// ChatText is the chat text generator the pool of ChatJSON uses: it
// appends the text of message seq of publisher pub to dst[:0]. The
// scenario package sets it to the chat rooms' generator; a nil ChatText
// uses a fixed line.
var ChatText func(dst []byte, pub int, seq uint64) []byte

// poolMin is the smallest pool: far larger than deflate's 32 KiB window,
// so that context takeover finds in it no copy of the next message.
const poolMin = 1 << 20

// pool is generated content and the offsets a message may start at.
type pool struct {
	b      []byte
	starts []int32
}

// newPool generates kind's pool for fillers of n bytes. text asks for
// printable content only (Random).
func newPool(kind Kind, n int, text bool) *pool {
	rng := rand.New(rand.NewPCG(0x5753_4245_4e43_48, uint64(len(kind)))) // fixed: every run, every process the same
	size := max(poolMin, 8*n)
	p := &pool{b: make([]byte, 0, size+n+4096)}
	mark := func() { p.starts = append(p.starts, int32(len(p.b))) }
	switch kind {
	case ChatJSON:
		var text []byte
		for i := 0; len(p.b) < size+n; i++ {
			mark()
			if ChatText != nil {
				text = ChatText(text, i%97, uint64(i))
			} else {
				text = append(text[:0], "see you at the standup"...)
			}
			p.b = fmt.Appendf(p.b, `{"room":"room-%d","user":"user%03d","seq":%d,"text":%s}`,
				rng.IntN(10), rng.IntN(500), i, strconv.Quote(string(text)))
		}
	case JSON:
		for i := 0; len(p.b) < size+n; i++ {
			mark()
			p.b = appendRecord(p.b, rng, i)
		}
	case Random:
		p.b = p.b[:size+n]
		for i := range p.b {
			if text {
				p.b[i] = randomAlphabet[rng.IntN(len(randomAlphabet))]
			} else {
				p.b[i] = byte(rng.Uint32())
			}
		}
		for i := 0; i+n <= len(p.b); i += 64 {
			p.starts = append(p.starts, int32(i))
		}
	}
	// Only starts with a whole filler after them, and, for the text kinds,
	// a filler that ends on a character boundary: a cut through a
	// multi-byte character (the chat text's emoji) would make the message
	// invalid UTF-8, which a text frame may not carry (RFC 6455 8.1) and
	// which SockJS's JSON framing mangles.
	p.starts = slices.DeleteFunc(p.starts, func(s int32) bool {
		end := int(s) + n
		return end > len(p.b) || kind != Random && end < len(p.b) && !utf8.RuneStart(p.b[end])
	})
	return p
}

const randomAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

var (
	firstNames = []string{"Ada", "Alan", "Grace", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances", "John", "Radia", "Edsger"}
	lastNames  = []string{"Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie", "Allen", "McCarthy", "Perlman", "Dijkstra"}
	cities     = []string{"Paris", "Berlin", "Lisbon", "Oslo", "Madrid", "Vienna", "Prague", "Dublin", "Rome", "Athens"}
	tagWords   = []string{"admin", "beta", "premium", "trial", "mobile", "desktop", "eu", "us", "verified", "legacy"}
)

// appendRecord appends the JSON record of user i, with a comma.
func appendRecord(b []byte, rng *rand.Rand, i int) []byte {
	first, last := firstNames[rng.IntN(len(firstNames))], lastNames[rng.IntN(len(lastNames))]
	b = fmt.Appendf(b, `{"id":%d,"name":"%s %s","email":"%s.%s%d@example.com","active":%t,"score":%.3f,`,
		100000+i, first, last, first, last, rng.IntN(1000), rng.IntN(4) != 0, rng.Float64()*100)
	b = fmt.Appendf(b, `"address":{"street":"%d %s Street","city":"%s","zip":"%05d"},"tags":[`,
		1+rng.IntN(200), last, cities[rng.IntN(len(cities))], rng.IntN(100000))
	for t := range 1 + rng.IntN(4) {
		if t > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, tagWords[rng.IntN(len(tagWords))])
	}
	return fmt.Appendf(b, `],"created":"2026-%02d-%02dT%02d:%02d:%02dZ"},`,
		1+rng.IntN(12), 1+rng.IntN(28), rng.IntN(24), rng.IntN(60), rng.IntN(60))
}

// at is the filler of message seq of stream: n bytes of the pool, from
// the first start at or after a position that advances by n with each
// message of a stream, so that a stream's consecutive messages are
// consecutive stretches of the pool (none repeats what deflate's window
// still holds) and streams start far apart.
func (p *pool) at(seq uint64, stream uint32, n int) []byte {
	span := uint64(len(p.b) - n + 1)
	pos := int32((seq*uint64(n) + uint64(stream)*0x9E3779B1) % span)
	i, _ := slices.BinarySearch(p.starts, pos)
	if i == len(p.starts) {
		i = 0
	}
	s := int(p.starts[i])
	return p.b[s : s+n]
}
