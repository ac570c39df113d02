package analysis

import (
	"fmt"
	"strings"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/format"
	"github.com/wsbench/wsbench/bench/record"
)

// rules make the findings of a run, in deck order. Each rule ranks one
// metric over one column and titles it with the words of words.go.
var rules = []func(run *record.Run) []*Finding{
	throughputFindings, latencyFindings, cpuFindings, memoryFindings, fanoutFindings,
}

// IDs of the findings that name one column.
const (
	IDMemory      = "memory-idle"
	IDHandshakes  = "handshakes"
	IDFanout      = "fanout"
	IDClaim       = "claim"
	IDConformance = "conformance"
)

// IDThroughput is the closed-loop throughput finding at size.
func IDThroughput(size int) string { return "throughput-" + sizeSlug(size) }

// IDCPU is the server CPU per message finding at size.
func IDCPU(size int) string { return "cpu-" + sizeSlug(size) }

// IDLatency is the open-loop p99 finding at an offered load label.
func IDLatency(at string) string { return "latency-p99@" + at }

func sizeSlug(n int) string { return fmt.Sprintf("%dB", n) }

func largest(xs []int) int {
	if len(xs) == 0 {
		return 0
	}
	return xs[len(xs)-1]
}

func throughputFindings(run *record.Run) []*Finding {
	sizes, conns := Axes(run, config.EchoClosed)
	n := largest(conns)
	var out []*Finding
	for _, size := range sizes {
		k := Column{Scenario: config.EchoClosed, Size: size, Conns: n}
		r := Rank(Cells(run, k), record.MsgsPerSec, true)
		subject := format.Size(size) + " echo throughput"
		out = append(out, finding(IDThroughput(size), record.MsgsPerSec, k, r, leadTitle(subject, format.Count, " msgs/s")))
	}
	return out
}

func cpuFindings(run *record.Run) []*Finding {
	sizes, conns := Axes(run, config.EchoClosed)
	if len(sizes) == 0 {
		return nil
	}
	size := PreferredSize(sizes)
	k := Column{Scenario: config.EchoClosed, Size: size, Conns: largest(conns)}
	r := Rank(Cells(run, k), record.ServerCPUUSPerMsg, false)
	subject := "server CPU per " + format.Size(size) + " echo"
	return []*Finding{finding(IDCPU(size), record.ServerCPUUSPerMsg, k, r, leadTitle(subject, func(v float64) string { return format.Trim(v, 3) }, " µs"))}
}

// latencyFindings rank open-loop p99 at every offered load of the
// preferred size: each library's own @25% and @50% of capacity, and every
// absolute rate, where libraries meet the same offered load.
func latencyFindings(run *record.Run) []*Finding {
	sizes, conns := Axes(run, config.EchoOpen)
	if len(sizes) == 0 {
		return nil
	}
	size, n := PreferredSize(sizes), largest(conns)
	var out []*Finding
	for _, at := range LoadLabels(run, size, n) {
		k := Column{Scenario: config.EchoOpen, Size: size, Conns: n, At: at}
		r := Rank(Cells(run, k), record.LatP99, false)
		subject := "p99 echo latency at " + atPhrase(at)
		if strings.HasSuffix(at, "%") {
			// Each server at its own load: a point of its own curve, not a
			// comparison (servers meet at the same absolute rates only).
			f := finding(IDLatency(at), record.LatP99, k, r, curveTitle(subject))
			f.Leading, f.Ranking = nil, []Place{}
			out = append(out, f)
			continue
		}
		out = append(out, finding(IDLatency(at), record.LatP99, k, r, leadTitle(subject, format.US, "")))
	}
	return out
}

// DeckLatency is the latency finding the deck states: the one at the
// lowest absolute offered rate whose ranking holds (enough valid points),
// so that every server meets the same load; nil when none does.
func DeckLatency(m *Model) *Finding {
	for _, f := range m.Findings {
		if strings.HasPrefix(f.ID, "latency-p99@") && strings.HasSuffix(f.ID, "/s") && len(f.Ranking) > 0 {
			return f
		}
	}
	return nil
}

// atPhrase is an offered load in words: "50% of each server's capacity",
// "5k msgs/s offered".
func atPhrase(at string) string {
	var pct float64
	if _, err := fmt.Sscanf(at, "%g%%", &pct); err == nil && at[len(at)-1] == '%' {
		return at + " of each server's own capacity"
	}
	var rate float64
	if _, err := fmt.Sscanf(at, "%g/s", &rate); err == nil {
		return format.Count(rate) + " msgs/s offered"
	}
	return at
}

func memoryFindings(run *record.Run) []*Finding {
	_, conns := Axes(run, config.Connect)
	if len(conns) == 0 {
		return nil
	}
	k := Column{Scenario: config.Connect, Conns: largest(conns)}
	cells := Cells(run, k)
	mem := Rank(cells, record.ServerRSSPerConn, false)
	hs := Rank(cells, record.HandshakesPerSec, true)
	return []*Finding{
		finding(IDMemory, record.ServerRSSPerConn, k, mem, leadTitle("server memory per idle connection", format.Bytes, "")),
		finding(IDHandshakes, record.HandshakesPerSec, k, hs, leadTitle("handshakes per second", format.Count, "/s")),
	}
}

// fanoutFindings rank broadcast time to the last subscriber: its p99 when
// every trial had at least MinSamplesP99 publishes, else its maximum, named
// as such.
func fanoutFindings(run *record.Run) []*Finding {
	sizes, conns := Axes(run, config.Broadcast)
	if len(sizes) == 0 {
		return nil
	}
	k := Column{Scenario: config.Broadcast, Size: PreferredSize(sizes), Conns: largest(conns)}
	var cells []*record.Cell
	for _, c := range Cells(run, k) {
		if v := c.VariantOrDefault(); v == config.VariantWS || v == config.VariantSockJSWebSocket || v == config.VariantTCP {
			cells = append(cells, c)
		}
	}
	key, what := record.LastP99, "p99"
	if FanoutSamples(cells) < MinSamplesP99 {
		key, what = record.LastMax, "maximum"
	}
	r := Rank(cells, key, false)
	subject := fmt.Sprintf("%s time to the last of %s subscribers", what, format.Int(k.Conns))
	f := finding(IDFanout, key, k, r, leadTitle(subject, format.US, ""))
	if key == record.LastMax {
		f.Notes = append(f.Notes, fmt.Sprintf("A trial published %d messages at most, fewer than the %d a p99 needs: the figure is the maximum.", FanoutSamples(cells), MinSamplesP99))
	}
	return []*Finding{f}
}

// FanoutSamples is the fewest publishes any counted broadcast trial of
// cells timed to its last subscriber.
func FanoutSamples(cells []*record.Cell) int {
	least := -1
	for _, c := range cells {
		for _, t := range c.Trials {
			if record.TrialProblem(c.Scenario, t) != "" || t.Result.FanoutLastUS == nil {
				continue
			}
			if n := int(t.Result.FanoutLastUS.Count); least < 0 || n < least {
				least = n
			}
		}
	}
	return max(least, 0)
}

// LoadLabels are the offered loads of the open-loop cells at size and
// conns: fractions of capacity ascending, then absolute rates ascending.
func LoadLabels(run *record.Run, size, conns int) []string {
	type pt struct {
		at         string
		load, rate float64
	}
	var pts []pt
	seen := map[string]bool{}
	for i := range run.Cells {
		c := &run.Cells[i]
		if c.Scenario != config.EchoOpen || c.Extra || c.PayloadBytes != size || c.Conns != conns {
			continue
		}
		p := pt{at: config.LoadLabel(c.Load, c.Rate), load: c.Load}
		if c.Load == 0 {
			p.rate = c.Rate
		}
		if !seen[p.at] {
			seen[p.at] = true
			pts = append(pts, p)
		}
	}
	sortFunc(pts, func(a, b pt) bool {
		if (a.load > 0) != (b.load > 0) {
			return a.load > 0
		}
		if a.load != b.load {
			return a.load < b.load
		}
		return a.rate < b.rate
	})
	out := make([]string, len(pts))
	for i, p := range pts {
		out[i] = p.at
	}
	return out
}
