package scenario

import (
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
// tail of longer ones, as in chat. It appends to dst[:0].
func chatText(dst []byte, pub int, seq uint64) []byte {
	rng := rand.New(rand.NewPCG(uint64(pub)+1, seq))
	u := rng.Float64()
	n := chatTextMin + int(u*u*u*float64(chatTextMax-chatTextMin))
	dst = dst[:0]
	for len(dst) < n {
		if len(dst) > 0 {
			dst = append(dst, ' ')
		}
		dst = append(dst, chatWords[rng.IntN(len(chatWords))]...)
	}
	return dst
}

// The chat-json payload (payload.ChatJSON) strings the same text together.
func init() { payload.ChatText = chatText }
