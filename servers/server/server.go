// Package server holds what every library's server shares: the Server
// interface, the limits that must be identical across libraries, the
// connection tracker used for graceful shutdown, the /stats counters and the
// net/http scaffolding that most libraries plug their handlers into.
package server

import (
	"context"
	"net"
	"slices"
)

// Limits identical for every library. They are part of the observable
// behaviour, so they live here and nowhere else.
const (
	// MaxMessageSize is the largest message a server accepts. A larger one
	// closes the connection with CloseTooBig.
	MaxMessageSize = 16 << 20
	// SendQueue is the number of broadcast messages queued per subscriber. A
	// subscriber whose queue is full is disconnected with ClosePolicy.
	SendQueue = 256
)

// WebSocket close codes used by the servers (RFC 6455, section 7.4.1).
const (
	CloseNormal        = 1000
	CloseGoingAway     = 1001
	CloseProtocolError = 1002
	CloseInvalidData   = 1007 // a text message or close reason that is not UTF-8
	ClosePolicy        = 1008
	CloseTooBig        = 1009
)

// Paths every server answers on.
const (
	PathEcho      = "/echo"
	PathBroadcast = "/broadcast"
	// PathChat serves the chat-room protocol (servers/chat/PROTOCOL.md) on
	// the WebSocket servers whose entry has Library.Chat.
	PathChat   = "/chat"
	PathHealth = "/healthz"
	PathStats  = "/stats"
)

// Server is one library's echo and broadcast server.
//
// A library that brings its own listener or event loop implements Serve on
// the listener it is given (or on its file descriptor); one built on net/http
// can use NewHTTP.
type Server interface {
	// Serve accepts connections on ln and blocks until Shutdown is called
	// (then it returns nil) or serving fails.
	Serve(ln net.Listener) error
	// Shutdown stops accepting, closes every connection with
	// CloseGoingAway, and returns once they are gone or ctx expires.
	Shutdown(ctx context.Context) error
}

// Proto names the wire protocol a load generator must speak to a server.
type Proto string

const (
	ProtoWS     Proto = "ws"     // RFC 6455 WebSocket
	ProtoSockJS Proto = "sockjs" // SockJS framing over its websocket transport
	ProtoHTTP   Proto = "http"   // plain HTTP: POST /echo, publish + poll
	ProtoTCP    Proto = "tcp"    // length-prefixed messages on plain TCP (servers/tcp), no WebSocket
)

// Library describes one entry of the registry.
type Library struct {
	Name   string            // short name used on the command line and in results
	Module string            // Go module path of the library under test ("" for net/http)
	Proto  Proto             // what clients speak to it
	New    func(*Env) Server // builds a server; nothing listens until Serve

	// Deviations are the suite behaviours this library cannot meet because
	// it offers no way to (for example a peer's close code that it never
	// echoes). They are data in one place: the conformance suite expects
	// exactly the behaviour stated here instead of the common one, and the
	// report shows each as a finding. Keep it empty whenever the adapter can
	// meet the common behaviour.
	Deviations map[Behaviour]string

	// AdapterChecks are the RFC 6455 checks on received data (the Checks
	// behaviours) that the library does not make and its adapter adds, with
	// the shared helpers of this package. Every other check in Checks is the
	// library's own, unless it is listed in Deviations (then nobody makes
	// it). See Library.CheckedBy.
	AdapterChecks []Behaviour

	// Variants are other configurations of the same adapter (write path,
	// buffer sizes), for the ablation benchmarks (benchtest.Ablation). The
	// production configuration is New; servers and the matrix never use
	// the variants.
	Variants []Variant

	// Deflate is what the library offers for permessage-deflate and the
	// adapter configures when Env.Deflate asks for it (its package's
	// features.go declares it). A server started in a variant not
	// declared here is a usage error.
	Deflate DeflateSupport

	// Chat says that the server speaks the chat protocol of servers/chat
	// at PathChat. The REST baseline and plain TCP have no chat: nothing
	// is emulated for them.
	Chat bool

	// Facts the reports show. Every entry must fill them (the registry's
	// tests check).

	// Display is the name a reader knows the library by, for headings.
	Display string
	// Role says what the entry stands for in the comparison.
	Role Role
	// Features is the entry's row of the feature table.
	Features Features
	// Palette is the entry's place, from 1, in the order in which entries
	// take their chart colour and line style, so that an entry keeps its
	// style whatever else ran. It is 0 for the reference rows
	// (Role.Reference), which have neutral styles.
	Palette int
	// ClaimReference marks the WebSocket library the claim compares the
	// REST baseline with: the common choice. One entry has it.
	ClaimReference bool
}

// Variant is one configuration of a library's adapter, named for what it
// changes (for example "writer-4k" for a streaming writer on 4 KiB buffers).
type Variant struct {
	Name string
	New  func(*Env) Server
	// Text asks the ablation to measure text messages too (it always does
	// for the first, production, variant), for variants that differ in how
	// text is checked.
	Text bool
}

// Behaviour names one piece of the common observable behaviour that a
// library may deviate from (see Library.Deviations). The value stored with
// it says, in one sentence, what the library does instead.
type Behaviour string

// Behaviours a library may deviate from. Add one here, with the suite check
// that honours it, when a new library needs it.
const (
	// PeerCloseCodeEchoed: a close frame from the client is answered with
	// the same status code.
	PeerCloseCodeEchoed Behaviour = "peer-close-code-echoed"
	// CloseFrameOnViolation: a protocol violation is answered with a close
	// frame (1002) before the TCP connection closes.
	CloseFrameOnViolation Behaviour = "close-frame-on-violation"

	// The checks on received data that RFC 6455 requires and not every
	// library makes (see Library.AdapterChecks).

	// TextUTF8Checked: a text message that is not valid UTF-8 is answered
	// with close code 1007 and is not echoed or published.
	TextUTF8Checked Behaviour = "text-utf8-checked"
	// CloseReasonUTF8Checked: a close frame whose reason is not valid UTF-8
	// is answered with 1007 (1002 where the library answers so itself).
	CloseReasonUTF8Checked Behaviour = "close-reason-utf8-checked"
	// TooBigFromHeader: a frame whose header declares a message longer than
	// MaxMessageSize is answered with 1009 before its payload is read.
	TooBigFromHeader Behaviour = "too-big-from-header"
	// EmptyMessageDelivered: a message with an empty payload is echoed
	// and broadcast like any other.
	EmptyMessageDelivered Behaviour = "empty-message-delivered"
	// UnmaskedFrameRejected: an unmasked frame from a client is a protocol
	// violation that ends the connection (RFC 6455, section 5.1).
	UnmaskedFrameRejected Behaviour = "unmasked-frame-rejected"
)

// Checks are the checks on received data reported per library as made by
// the library, by the adapter, or by neither (Library.CheckedBy).
var Checks = []Behaviour{TextUTF8Checked, CloseReasonUTF8Checked, TooBigFromHeader}

// Who makes a check (Library.CheckedBy).
const (
	ByLibrary = "library"
	ByAdapter = "adapter"
	ByNeither = "neither"
)

// CheckedBy says who makes check c for this library: ByAdapter when it is
// in AdapterChecks, ByNeither when it is a deviation, else ByLibrary.
func (l Library) CheckedBy(c Behaviour) string {
	switch {
	case l.Deviates(c):
		return ByNeither
	case slices.Contains(l.AdapterChecks, c):
		return ByAdapter
	default:
		return ByLibrary
	}
}

// Deviates reports whether lib deviates from b.
func (l Library) Deviates(b Behaviour) bool {
	_, ok := l.Deviations[b]
	return ok
}
