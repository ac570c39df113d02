package scenario

import (
	"math/bits"
	"math/rand/v2"

	"github.com/wsbench/wsbench/loadgen/payload"
)

// chatWords are what the chat text generator strings together: common
// words of short chat lines, a few emoji (multi-byte UTF-8) and characters
// that JSON must escape.
var chatWords = []string{
	"hi", "hey", "ok", "yes", "no", "lol", "thanks", "sure", "the", "a", "is", "it", "to", "and",
	"you", "we", "I", "that", "this", "meeting", "deploy", "later", "today", "tomorrow", "build",
	"test", "passed", "failed", "again", "why", "how", "what", "when", "looks", "good", "to", "me",
	"can", "someone", "review", "my", "PR", "please", "coffee", "lunch", "👍", "🎉", "😂", "\"quoted\"",
	"back\\slash", "tab\there", "merged", "rollback", "prod", "staging", "on", "call", "brb", "done",
}

// Chat text lengths, in bytes: a publish of text this long is about 80 to
// 300 bytes of JSON on the wire.
const (
	chatTextMin = 4
	chatTextMax = 220
)

// chatText is the text of message seq of publisher pub: deterministic, so
// that every receiver can check what it got, mostly short lines with a
// tail of longer ones, as in chat. It appends to dst[:0]. Every receiver
// computes it for every delivery, so it allocates nothing: a PCG held on
// the stack, drawn from as math/rand/v2's Float64 and IntN draw from it on
// 64-bit platforms.
func chatText(dst []byte, pub int, seq uint64) []byte {
	var rng rand.PCG
	rng.Seed(uint64(pub)+1, seq)
	u := float64(rng.Uint64()<<11>>11) / (1 << 53)
	n := chatTextMin + int(u*u*u*float64(chatTextMax-chatTextMin))
	dst = dst[:0]
	for len(dst) < n {
		if len(dst) > 0 {
			dst = append(dst, ' ')
		}
		dst = append(dst, chatWords[pcgIntN(&rng, uint64(len(chatWords)))]...)
	}
	return dst
}

// pcgIntN is a uniform draw from [0, n), n > 0 (Lemire's multiply and
// reject, as math/rand/v2's IntN on 64-bit platforms).
func pcgIntN(rng *rand.PCG, n uint64) uint64 {
	if n&(n-1) == 0 {
		return rng.Uint64() & (n - 1)
	}
	hi, lo := bits.Mul64(rng.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(rng.Uint64(), n)
		}
	}
	return hi
}

// The chat-json payload (payload.ChatJSON) strings the same text together.
func init() { payload.ChatText = chatText }
