package scenario

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/wsbench/wsbench/loadgen/wire"
)

// TestChatREST runs the chat scenario over each REST subscriber mode
// against the in-process REST server, twice on the same server (the
// second run must not read the first one's messages), and checks every
// delivery and the wire counters.
func TestChatREST(t *testing.T) {
	url := "http://" + startLib(t, "rest")
	for _, sub := range wire.Subscribes {
		t.Run(sub.Name, func(t *testing.T) {
			for range 2 {
				cfg := chatConfig(url)
				cfg.HTTP.Subscribe = sub.Mode
				cfg.PollInterval = 20 * time.Millisecond
				cfg.ServerPID = os.Getpid()
				res := run(t, cfg)
				clean(t, res)
				if res.Expected != res.Sent*int64(cfg.Members) || res.Variant != sub.Name {
					t.Fatalf("sent %d expected %d variant %s", res.Sent, res.Expected, res.Variant)
				}
				if d := res.DeliveryUS; d == nil || d.Count != res.Received || res.DeliveredMsgsPerSec <= 0 {
					t.Fatalf("delivery %+v, delivered/s %v", d, res.DeliveredMsgsPerSec)
				}
				// HTTP both ways: each delivery costs request bytes
				// (publishes, polls) and response bytes.
				if res.BytesPerMsg.TX <= 0 || res.BytesPerMsg.RX <= 0 {
					t.Fatalf("bytes per delivery %+v", res.BytesPerMsg)
				}
				if (sub.Mode == wire.Poll) != (res.PollInterval > 0) {
					t.Fatalf("poll interval %v in a %s run", res.PollInterval, sub.Name)
				}
			}
		})
	}
}

// TestChatRESTNotAChatServer: a server without REST chat rooms fails the
// run with a one-line reason before any message.
func TestChatRESTNotAChatServer(t *testing.T) {
	cfg := chatConfig("http://" + startLib(t, "gorilla"))
	res := run(t, cfg)
	if !res.Failed || !strings.Contains(res.Failure, "cursor of room") {
		t.Fatalf("failed %v: %q", res.Failed, res.Failure)
	}
}
