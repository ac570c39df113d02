package chatmatrix

import (
	"fmt"
	"io"
	"strings"

	"github.com/wsbench/wsbench/loadgen/result"
)

// Summary writes res as Markdown: the capacity of every library in every
// shape with the rates its search walked, the idle-crowd table and the
// claim for chat (WebSocket against REST at equal rates). It
// states what each figure is and marks what is not ranked.
func Summary(w io.Writer, res *Results) {
	c := res.Config
	fmt.Fprintf(w, "# Chat matrix %s\n\n", res.Name)
	if !res.Complete {
		fmt.Fprintf(w, "**Incomplete run**: interrupted; what follows is what was measured.\n\n")
	}
	if n, mean, top := foreignCPU(res); n > 0 {
		fmt.Fprintf(w, "Other processes used the server's and the load generator's CPUs during %d of the runs: %.2f CPUs on average over all runs, up to %.2f; their time is taken from both and shows as lateness and latency.\n\n", n, mean, top)
	}
	if fs := Findings(res); len(fs) > 0 {
		fmt.Fprintf(w, "## Findings\n\n")
		for _, f := range fs {
			fmt.Fprintf(w, "- %s\n", f)
		}
		fmt.Fprintln(w)
	}
	if len(res.Capacity) > 0 {
		fmt.Fprintf(w, "## Capacity\n\n")
		fmt.Fprintf(w, "Highest delivered rate (deliveries/s) with delivery p99 at or under %v and no loss, duplicate or reordering. ", c.Search.P99)
		fmt.Fprintf(w, "Latency counts from the scheduled send time, so a late load generator only adds to it; a miss of the bound is the server's when the server used at least %.0f%% of its CPU or the load generator kept its schedule (at least %.0f%% of the offered rate sent, send lag p99 at or under %v), else the load generator's. ", 100*result.SaturationFraction, 100*(1-result.RateTolerance), c.Search.Lag)
		sp := res.Environment.Split
		if sp.Pinned {
			fmt.Fprintf(w, "The server ran on CPUs %v, the load generator on CPUs %v", sp.ServerCPUs, sp.ClientCPUs)
		} else {
			fmt.Fprintf(w, "Server and load generator were not pinned (%s)", sp.Note)
		}
		if sp.ServerCPUQuota > 0 {
			fmt.Fprintf(w, "; the server under a CPU quota of %g CPUs per %g ms, so that it saturates before the load generator, which pays about as much per delivery (capacity is that of a server given %g CPUs). ", sp.ServerCPUQuota, sp.QuotaPeriodMS, sp.ServerCPUQuota)
		} else if sp.QuotaNote != "" {
			fmt.Fprintf(w, "; %s. ", sp.QuotaNote)
		} else {
			fmt.Fprintf(w, ", without a CPU quota. ")
		}
		fmt.Fprintf(w, "Search: from %g publishes/s per publisher, ×%g to the first failure, then %d bisections, %d points at most. ", c.Search.Start, c.Search.Factor, c.Search.Bisect, c.Search.MaxPoints)
		fmt.Fprintf(w, "Limit: p99 (the server), client (the load generator fell behind on an unsaturated server first: not ranked), none (every point good: a lower bound, not ranked).\n\n")
		fmt.Fprintf(w, "| library | shape | capacity (deliveries/s) | at rate | limit | walked: rate → delivered/s, p99 ms |\n| --- | --- | ---: | ---: | --- | --- |\n")
		for _, sr := range res.Capacity {
			var walked []string
			for _, p := range sr.Points {
				mark := "✓"
				if !p.Good {
					mark = "✗"
				}
				walked = append(walked, fmt.Sprintf("%g → %.0f, %.1f %s", p.Rate, p.Delivered, p.DeliveryP99US/1e3, mark))
			}
			capText := fmt.Sprintf("%.0f", sr.Capacity.Delivered)
			if !sr.Capacity.Ranked {
				capText += " (not ranked)"
			}
			fmt.Fprintf(w, "| %s | %s (%d×%d, %d pub.) | %s | %g | %s | %s |\n", sr.Lib, sr.Shape.Name, sr.Shape.Rooms, sr.Shape.Members, sr.Shape.Publishers,
				capText, sr.Capacity.Rate, sr.Capacity.Limit, strings.Join(walked, "; "))
		}
		fmt.Fprintln(w)
	}
	if len(res.Crowd) > 0 {
		cr := c.Crowd
		fmt.Fprintf(w, "## Mostly idle crowd\n\n")
		fmt.Fprintf(w, "%d connections open. echo: %d active (%g), %g msgs/s each of %d B; chat: rooms of %d, one publisher each at %g/s. ",
			cr.Conns, cr.ActiveConns(), cr.Active, cr.EchoRate, cr.EchoSize, cr.ChatMembers, cr.ChatRate)
		fmt.Fprintf(w, "Measured over %v, the servers without a CPU quota. Latency of the active connections from the scheduled send time; a run is good only with the load generator on schedule (at least %.0f%% of the offered rate sent, send lag p99 at or under %v over the measured interval), since its lateness would be in the p99; memory is the server's RSS growth per open connection.\n\n", c.crowdDuration(), 100*(1-result.RateTolerance), c.Search.Lag)
		fmt.Fprintf(w, "| library | kind | connected | active | offered/s | p50 ms | p99 ms | send lag p99 ms | server CPU | CPU µs/msg | RSS/conn (KiB) | verdict |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n")
		for _, r := range res.Crowd {
			verdict := "ok"
			if !r.Good {
				verdict = strings.ReplaceAll(r.Why, "|", "/")
			}
			fmt.Fprintf(w, "| %s | %s | %d | %d | %.0f | %.2f | %.2f | %.2f | %.2f | %.1f | %.1f | %s |\n", r.Lib, r.Kind, r.Connected, r.Active, r.Offered,
				r.P50US/1e3, r.P99US/1e3, r.SendLagP99US/1e3, r.ServerCPUUtil, r.ServerCPUUSPerMsg, r.RSSPerConnBytes/1024, verdict)
		}
		fmt.Fprintln(w)
	}
	if len(res.Claim) == 0 {
		fmt.Fprintf(w, "The claim for chat (WebSocket against the REST baseline's chat rooms): not run (-no-claim, or a run made before it existed).\n")
	}
	claimSummary(w, res)
}

// foreignCPUThreshold is the other processes' CPU use, in CPUs, above
// which a run counts as shared in the summary.
const foreignCPUThreshold = 0.05

// foreignCPU is how many runs other processes shared the CPUs in (above
// foreignCPUThreshold), their mean CPU use over all runs and the highest.
func foreignCPU(res *Results) (n int, mean, top float64) {
	var sum float64
	var runs int
	add := func(u float64) {
		runs++
		sum += u
		top = max(top, u)
		if u > foreignCPUThreshold {
			n++
		}
	}
	for _, sr := range res.Capacity {
		for _, p := range sr.Points {
			add(p.ForeignCPUUtil)
		}
	}
	for _, c := range res.Crowd {
		add(c.ForeignCPUUtil)
	}
	if runs > 0 {
		mean = sum / float64(runs)
	}
	return n, mean, top
}
