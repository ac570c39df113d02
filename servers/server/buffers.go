package server

import (
	"bytes"
	"sync"
)

// Adapters that read a whole message before writing it back (so that it
// can be checked and sent as one frame) borrow the buffer here for the
// time of one message, instead of keeping one per connection: an idle
// connection holds no message buffer.

// keepBuffer is the largest buffer returned to the pool; a larger one (a
// rare message of megabytes) is left to the garbage collector.
const keepBuffer = 1 << 20

var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// GetBuffer returns an empty buffer from the pool.
func GetBuffer() *bytes.Buffer { return buffers.Get().(*bytes.Buffer) }

// PutBuffer returns b to the pool; b must not be used after.
func PutBuffer(b *bytes.Buffer) {
	if b.Cap() > keepBuffer {
		return
	}
	b.Reset()
	buffers.Put(b)
}
