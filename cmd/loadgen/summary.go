package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/wsbench/wsbench/loadgen/result"
)

// Summary prints res for people, one aligned line per topic.
func Summary(w io.Writer, res *result.Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	line := func(k, format string, a ...any) { fmt.Fprintf(tw, "%s\t%s\n", k, fmt.Sprintf(format, a...)) }
	scen := res.Scenario
	switch {
	case res.Scenario == "echo" && res.Mode == "closed":
		scen += fmt.Sprintf(" closed loop, window %d", res.Window)
	case res.Mode == "open":
		scen += fmt.Sprintf(" open loop, %.0f msgs/s offered", res.RateTarget)
	}
	if res.Publishers > 0 {
		scen += fmt.Sprintf(", %d publishers", res.Publishers)
	}
	if res.PollInterval > 0 {
		scen += fmt.Sprintf(", polling every %.0f ms", res.PollInterval)
	}
	line("scenario", "%s", scen)
	who := "connections"
	if res.Scenario == "broadcast" {
		who = "subscribers"
	}
	size := fmt.Sprintf("%d-byte messages", res.PayloadBytes)
	if res.Scenario == "chat" {
		size = "JSON messages of generated chat text"
	}
	line("target", "%s (%s, %s), %d %s (%d connected), %s", res.URL, res.Proto, res.Variant, res.Conns, who, res.Connected, size)
	if res.Scenario == "chat" {
		txt := fmt.Sprintf("%d rooms x %d members, %d publishing per room; %.0f deliveries/s", res.Rooms, res.Members, res.Publishers, res.DeliveredMsgsPerSec)
		if pr := res.PerRoom; pr != nil {
			txt += fmt.Sprintf("; per room and member %.1f-%.1f msgs/s, Jain %.3f", pr.Min, pr.Max, pr.Jain)
		}
		line("chat", "%s", txt)
	}
	if res.Scenario == "connect" {
		line("connect", "%.1f handshakes/s over %.2f s, then held %.1f s", res.HandshakesPerSec, res.DurationS, res.HoldS)
		line("handshake µs", "%s", latency(res.LatencyUS))
	} else {
		line("measured", "%.2f s after %.1f s warm-up", res.DurationS, res.WarmupS)
		rate := fmt.Sprintf("%.0f msgs/s sent", res.RateAchieved)
		if res.RateShort {
			rate += " — SHORT of the offered rate by more than 5%"
		}
		line("rate", "%s", rate)
		line("throughput", "%.0f msgs/s, %.2f MB/s (payload)", res.MsgsPerSec, res.MBPerSec)
		what := "round trip"
		if res.Scenario == "broadcast" || res.Scenario == "chat" {
			what = "publish to receipt"
		}
		line("latency µs", "%s (%s)", latency(res.LatencyUS), what)
		if res.FanoutLastUS != nil {
			line("to last µs", "%s (publish to the last subscriber)", latency(*res.FanoutLastUS))
		}
		if res.SendLagUS != nil {
			line("send lag µs", "%s (actual minus intended send time)", latency(*res.SendLagUS))
		}
		if res.Scenario == "broadcast" || res.Scenario == "chat" {
			line("wire bytes", "%.1f written, %.1f read per delivery", res.BytesPerMsg.TX, res.BytesPerMsg.RX)
		} else {
			line("wire bytes", "%.1f per message sent, %.1f per message received", res.BytesPerMsg.TX, res.BytesPerMsg.RX)
		}
	}
	line("messages", "sent %d, expected %d, received %d", res.Sent, res.Expected, res.Received)
	line("faults", "lost %d, duplicated %d, reordered %d, corrupt %d", res.Lost, res.Duplicated, res.Reordered, res.Corrupt)
	if res.Requests > 0 || res.Reconnects > 0 || res.Refused > 0 {
		txt := fmt.Sprintf("%d requests, %d empty polls", res.Requests, res.EmptyPolls)
		if res.Received > 0 {
			txt += fmt.Sprintf(" (%.3f requests per message received)", float64(res.Requests)/float64(res.Received))
		}
		if res.Reconnects > 0 {
			txt += fmt.Sprintf(", %d SSE reconnections", res.Reconnects)
		}
		if res.Refused > 0 {
			txt += fmt.Sprintf(", %d SockJS requests refused with 2010 and repeated", res.Refused)
		}
		line("http", "%s", txt)
	}
	if len(res.Errors) > 0 {
		var ks []string
		for k, v := range res.Errors {
			ks = append(ks, fmt.Sprintf("%s=%d", k, v))
		}
		sort.Strings(ks)
		line("errors", "%s", strings.Join(ks, " "))
	}
	per := "msg"
	if res.Scenario == "connect" {
		per = "handshake"
	}
	if s := res.Server; s != nil {
		txt := fmt.Sprintf("pid %d: cpu %.3f (%.2f µs/%s), rss %s (peak %s)", s.PID, s.CPUUtil, s.CPUUSPerMsg, per, mb(s.RSSBytes), mb(s.RSSPeakBytes))
		if s.RSSPerConnBytes != 0 {
			txt += fmt.Sprintf(", %.0f bytes per connection over a base of %s", s.RSSPerConnBytes, mb(s.RSSBaseBytes))
		}
		line("server", "%s", txt)
	}
	c := res.Client
	line("client", "cpu %.3f (%.2f µs/%s), rss %s, GOMAXPROCS %d", c.CPUUtil, c.CPUUSPerMsg, per, mb(c.RSSBytes), res.ClientGOMAXPROCS)
	if res.Failed {
		line("result", "FAILED: %s", res.Failure)
	} else {
		line("result", "ok")
	}
	tw.Flush()
}

func latency(l result.Latency) string {
	if l.Count == 0 {
		return "no samples"
	}
	return fmt.Sprintf("p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  mean %s  (n=%d)",
		us(l.P50), us(l.P90), us(l.P99), us(l.P999), us(l.Max), us(l.Mean), l.Count)
}

func us(v float64) string {
	if v >= 100 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func mb(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/1e6) }
