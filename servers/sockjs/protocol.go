package sockjs

import (
	"time"

	"github.com/igm/sockjs-go/v3/sockjs"

	"github.com/wsbench/wsbench/servers/server"
)

// Extra prefixes that the sockjs-protocol test suite expects beside /echo.
// They are served by every instance; /echo and /broadcast are unchanged.
const (
	// PathClose opens a session and closes it at once with 3000 "Go away!".
	PathClose = "/close"
	// PathNoWebsocketEcho is /echo with the websocket transport off.
	PathNoWebsocketEcho = "/disabled_websocket_echo"
	// PathCookieEcho is /echo with the JSESSIONID cookie set on every
	// session URL (info answers cookie_needed: true).
	PathCookieEcho = "/cookie_needed_echo"
)

// protocolTestPrefixes registers the extra prefixes on h.
func (s *srv) protocolTestPrefixes(h *server.HTTPServer, opts sockjs.Options) {
	goAway := s.endpoint(PathClose, opts, func(c *session) {
		defer s.track(c)()
		_ = c.Close(3000, "Go away!")
	})
	noWS := opts
	noWS.Websocket = false
	cookie := opts
	cookie.JSessionID = sockjs.DefaultJSessionID
	for prefix, e := range map[string]*endpoint{
		PathClose:           goAway,
		PathNoWebsocketEcho: s.endpoint(PathNoWebsocketEcho, noWS, s.echo),
		PathCookieEcho:      s.endpoint(PathCookieEcho, cookie, s.echo),
	} {
		h.Handle(prefix, e)
		h.Handle(prefix+"/", e)
	}
}

// ProtocolTestResponseLimit is the streaming response limit the
// sockjs-protocol suite expects of its test server (4 KiB, not 128 KiB).
const ProtocolTestResponseLimit = 4096

// NewProtocolTest returns the server the sockjs-protocol suite's timing
// cases run against: the same handlers and prefixes, with heartbeats every
// heartbeat (not 25 s) and streaming responses closed after 4 KiB. It is
// not registered: the benchmarks and the common suite use New.
func NewProtocolTest(env *server.Env, heartbeat time.Duration) server.Server {
	opts := options(Production)
	opts.HeartbeatDelay = heartbeat
	opts.ResponseLimit = ProtocolTestResponseLimit
	return newServer(env, opts)
}
