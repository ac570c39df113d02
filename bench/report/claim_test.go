package report

import (
	"bytes"
	"github.com/wsbench/wsbench/bench/analysis"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/record"
	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/server"
)

func TestVerdictBoundaries(t *testing.T) {
	cases := []struct {
		ratio float64
		want  string
	}{
		{4.99, VerdictWeaker}, {5, VerdictHolds}, {7, VerdictHolds}, {10, VerdictHolds}, {10.1, VerdictStronger},
		{1, VerdictWeaker}, {0.99, VerdictReversed}, {0.1, VerdictReversed}, {1e6, VerdictStronger},
		{0, VerdictNoData}, {-1, VerdictNoData}, {math.NaN(), VerdictNoData}, {math.Inf(1), VerdictNoData},
	}
	for _, c := range cases {
		if got := VerdictOf(c.ratio); got != c.want {
			t.Errorf("VerdictOf(%v) = %s, want %s", c.ratio, got, c.want)
		}
	}
	// The verdict is taken on the ratio as shown (3 significant digits).
	for in, want := range map[float64]float64{4.996: 5, 4.994: 4.99, 10.04: 10, 10.05: 10.1, 123.45: 123, 0.012345: 0.0123} {
		if got := roundRatio(in); math.Abs(got-want) > 1e-12 {
			t.Errorf("roundRatio(%v) = %v, want %v", in, got, want)
		}
	}
}

// wsRef finds the WebSocket cell a row is compared with: for closed-loop
// echo the library's one-in-flight cell, for open-loop echo its cell at
// the same offered rate, else its cell of the same scenario and size.
func wsRef(t *testing.T, run *record.Run, lib string, other *record.Cell) *record.Cell {
	t.Helper()
	for i := range run.Cells {
		c := &run.Cells[i]
		if c.Lib != lib || c.Scenario != other.Scenario || c.PayloadBytes != other.PayloadBytes || c.Conns != other.Conns {
			continue
		}
		switch other.Scenario {
		case config.EchoClosed:
			if c.Variant == config.VariantWSOneInFlight {
				return c
			}
		case config.EchoOpen:
			if !c.Extra && c.Load == 0 && c.Rate == other.Rate {
				return c
			}
		default:
			if !c.Extra {
				return c
			}
		}
	}
	return nil
}

func TestClaimFromFixture(t *testing.T) {
	run := loadFixture(t)
	cl := BuildClaim(run)
	if cl.Missing != "" {
		t.Fatal(cl.Missing)
	}

	// The fastest WebSocket library, recomputed: highest geometric mean
	// of closed-loop echo throughput.
	best, bestGeo := "", 0.0
	for _, l := range registry.ByProto(server.ProtoWS) {
		lib := l.Name
		sum, n := 0.0, 0
		for _, c := range run.Cells {
			if c.Lib == lib && c.Scenario == config.EchoClosed && c.Status != record.StatusFailed {
				sum += math.Log(c.Median[record.MsgsPerSec])
				n++
			}
		}
		if geo := math.Exp(sum / float64(n)); geo > bestGeo {
			best, bestGeo = lib, geo
		}
	}
	if cl.Fastest != best || !slices.Equal(cl.Refs, []string{best, "gorilla"}) || cl.Headline != "gorilla" {
		t.Fatalf("fastest %s refs %v headline %s; want fastest %s", cl.Fastest, cl.Refs, cl.Headline, best)
	}

	// Every comparison is present: each non-WebSocket cell once per metric
	// of its scenario.
	perScenario := map[config.Scenario]int{config.EchoClosed: 3, config.EchoOpen: 3, config.Broadcast: 5}
	want := map[string]int{}
	for _, c := range run.Cells {
		if c.Proto == "http" || c.Variant == config.VariantSockJSXHRStreaming || c.Variant == config.VariantSockJSXHRPolling {
			if n := perScenario[c.Scenario]; n > 0 && c.Load == 0 {
				want[c.ID] = n
			}
		}
	}
	got := map[string]int{}
	for _, r := range cl.Rows {
		got[r.OtherCell.ID]++
	}
	for id, n := range want {
		if got[id] != n {
			t.Errorf("%s: %d rows, want %d", id, got[id], n)
		}
	}
	if len(got) != len(want) {
		t.Errorf("rows for %d cells, want %d", len(got), len(want))
	}
	for _, id := range []string{"rest+new-conn/echo-closed/16384B/1000c", "rest+poll-50ms/broadcast/1024B/1000c",
		"rest/broadcast/1024B/1000c", "rest+longpoll/broadcast/1024B/1000c", "rest+sse/broadcast/1024B/1000c",
		"sockjs+xhr-streaming/broadcast/1024B/1000c", "sockjs+xhr-polling/broadcast/1024B/1000c", "rest/echo-closed/64B/1000c",
		"rest/echo-open/1024B/1000c@25000/s"} {
		if got[id] == 0 {
			t.Errorf("no comparison for %s", id)
		}
	}

	// Every ratio follows from the two cells' medians, oriented so that
	// above 1 WebSocket is better, and its verdict from the ratio.
	higher := map[string]bool{record.MsgsPerSec: true}
	keys := map[string]string{
		"maximum throughput (msgs/s), closed loop": record.MsgsPerSec, "latency p50, open loop": record.LatP50, "latency p99, open loop": record.LatP99,
		"bytes on the wire per message": record.BytesPerMsg, "server CPU µs per message, closed loop": record.ServerCPUUSPerMsg,
		"server CPU µs per message, open loop": record.ServerCPUUSPerMsg,
		"delivery latency p50":                 record.LatP50, "delivery latency p99": record.LatP99, "p99 to the last subscriber": record.LastP99,
		"bytes on the wire per delivered message": record.BytesPerMsg, "server CPU µs per delivered message": record.ServerCPUUSPerMsg,
	}
	noData := 0
	for _, r := range cl.Rows {
		key, ok := keys[r.Metric]
		if !ok {
			t.Fatalf("unknown metric %q", r.Metric)
		}
		for i, ref := range r.Refs {
			ws := wsRef(t, run, cl.Refs[i], r.OtherCell)
			if ws == nil {
				if ref.Verdict != VerdictNoData || !strings.Contains(ref.Text, "not measured") {
					t.Errorf("%s %s vs %s: no WebSocket cell on equal footing, yet %v %s", r.OtherCell.ID, r.Metric, ref.Lib, ref.Ratio, ref.Text)
				}
				continue
			}
			if hasFlag(ws, record.StatusClientBound) && key == record.MsgsPerSec || hasFlag(r.OtherCell, record.StatusClientBound) && key == record.MsgsPerSec {
				if ref.Verdict != VerdictNoData || !strings.Contains(ref.Text, "client-bound") {
					t.Errorf("%s %s vs %s: client-bound side gives %v %s", r.OtherCell.ID, r.Metric, ref.Lib, ref.Ratio, ref.Text)
				}
				continue
			}
			if ws.Status == record.StatusFailed || r.OtherCell.Status == record.StatusFailed {
				noData++
				if ref.Verdict != VerdictNoData || !math.IsNaN(ref.Ratio) || !strings.Contains(ref.Text, "failed") {
					t.Errorf("%s %s vs %s: failed cell gives %v %s", r.OtherCell.ID, r.Metric, ref.Lib, ref.Ratio, ref.Text)
				}
				continue
			}
			o, w := r.OtherCell.Median[key], ws.Median[key]
			exp := o / w
			if higher[key] {
				exp = w / o
			}
			if math.Abs(ref.Ratio-exp)/exp > 0.005 {
				t.Errorf("%s %s vs %s: ratio %v, want %v (REST %v, WebSocket %v)", r.OtherCell.ID, r.Metric, ref.Lib, ref.Ratio, exp, o, w)
			}
			if ref.Verdict != VerdictOf(ref.Ratio) || !strings.HasPrefix(ref.Text, ref.Verdict) {
				t.Errorf("%s %s: ratio %v verdict %s text %q", r.OtherCell.ID, r.Metric, ref.Ratio, ref.Verdict, ref.Text)
			}
		}
	}
	if noData == 0 {
		t.Error("the fixture's failed sockjs+xhr-polling cell gave no no-data row")
	}

	// The section: intro, summary, chart, one table per group, details.
	dir := t.TempDir()
	if err := Write(analysis.Build(run, ClaimFinding(run)), dir); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(dir, "REPORT.md"))
	if err != nil {
		t.Fatal(err)
	}
	report := string(md)
	sec := report[strings.Index(report, "## The 5–10× claim"):strings.Index(report, "## Drift check")]
	for _, want := range []string{"**Summary.** Against gorilla", "charts/claim-ratios.svg", "### Request/response: HTTP POST /echo",
		"### Server push:", "### Request/response in detail", "### Server push in detail", best + " (fastest)",
		"poll every 50 ms", "1 KiB, 1,000 subscribers, 20 msgs/s published", "1 KiB, 1,000 conns, 5000 msgs/s offered to both",
		"64 B, 1,000 conns, 1 in flight per connection on both sides", "no data: sockjs+xhr-polling"} {
		if !strings.Contains(sec, want) {
			t.Errorf("claim section lacks %q", want)
		}
	}
	checkSVG(t, filepath.Join(dir, "charts", "claim-ratios.svg"))
	var term bytes.Buffer
	Terminal(&term, run)
	if !strings.Contains(term.String(), "The 5–10× claim: "+cl.Summary()) {
		t.Error("the terminal output lacks the claim's summary")
	}
}

// claimRun is a run of gorilla and rest with one closed-loop echo point
// (one message in flight on both sides) whose figures put the ratios on
// the verdict boundaries.
func claimRun(rest map[string]float64) *record.Run {
	cfg := config.Config{Libs: []string{"gorilla", "rest"}, Trials: 3, Scenarios: []config.Spec{
		{Scenario: config.EchoClosed, Sizes: []int{1024}, Conns: []int{100}, Window: 4,
			Variants: []config.VariantSpec{{Variant: config.VariantWSOneInFlight, Lib: "gorilla"}}}}}
	run := &record.Run{Name: "boundaries", Environment: record.Environment{Matrix: cfg}}
	for _, c := range cfg.Cells([]config.Lib{{Name: "gorilla", Proto: "ws"}, {Name: "rest", Proto: "http"}}) {
		rc := record.CellFrom(c)
		rc.Status = record.StatusOK
		rc.Median = map[string]float64{record.MsgsPerSec: 10000, record.LatP50: 100, record.LatP99: 1000,
			record.BytesPerMsg: 2000, record.ServerCPUUSPerMsg: 10}
		if c.Lib == "gorilla" && !c.Extra {
			rc.Median[record.MsgsPerSec] = 40000 // several in flight: not the footing REST is compared on
		}
		if c.Lib == "rest" {
			rc.Median = rest
		}
		run.Cells = append(run.Cells, rc)
	}
	return run
}

func TestClaimVerdictsAtTheBoundaries(t *testing.T) {
	run := claimRun(map[string]float64{
		record.MsgsPerSec:        2000,  // 10000/2000 = 5: holds
		record.LatP50:            1000,  // closed-loop latency: not compared
		record.LatP99:            4990,  // idem
		record.BytesPerMsg:       20200, // 10.1: stronger
		record.ServerCPUUSPerMsg: 5,     // 0.5: reversed
	})
	cl := BuildClaim(run)
	if !slices.Equal(cl.Refs, []string{"gorilla"}) || cl.Fastest != "gorilla" {
		t.Fatalf("refs %v fastest %s", cl.Refs, cl.Fastest)
	}
	want := map[string]struct {
		ratio float64
		text  string
	}{
		"maximum throughput (msgs/s), closed loop": {5, "holds"},
		"bytes on the wire per message":            {10.1, "stronger"},
		"server CPU µs per message, closed loop":   {0.5, "reversed: HTTP/1.1 keep-alive 2× better"},
	}
	if len(cl.Rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(cl.Rows), len(want))
	}
	for _, r := range cl.Rows {
		w := want[r.Metric]
		if got := r.Refs[0]; got.Ratio != w.ratio || got.Text != w.text {
			t.Errorf("%s: ratio %v %q, want %v %q", r.Metric, got.Ratio, got.Text, w.ratio, w.text)
		}
		if r.Conditions != "1 KiB, 100 conns, 1 in flight per connection on both sides" || r.Side != "HTTP/1.1 keep-alive" {
			t.Errorf("%s: side %q conditions %q", r.Metric, r.Side, r.Conditions)
		}
	}
	sum := cl.Summary()
	for _, s := range []string{
		"Against gorilla (the only WebSocket library of this run), the claim that WebSocket is 5–10× faster than REST holds for 1 of 3 ratios (one per metric, payload size and connection count), is exceeded (more than 10×) for 1, falls short (1–5×) for 0 and is reversed (the other side better) for 1.",
		"Request/response ratios (all metrics and sizes): HTTP/1.1 keep-alive 0.5–10×.",
		"WebSocket is 5× better or more only for: HTTP/1.1 keep-alive (throughput, bytes).",
	} {
		if !strings.Contains(sum, s) {
			t.Errorf("summary lacks %q:\n%s", s, sum)
		}
	}
	if strings.Contains(sum, "Server push") || strings.Contains(sum, "client-bound") {
		t.Errorf("summary mentions what was not measured:\n%s", sum)
	}

	// The same numbers in a table.
	var md bytes.Buffer
	cl.Markdown(&md, run, nil)
	for _, s := range []string{"| 5×", "| 10.1×", "| 0.5×"} {
		if !strings.Contains(md.String(), s) {
			t.Errorf("claim table lacks %q:\n%s", s, md.String())
		}
	}

	// A client-bound side gives no maximum-throughput ratio (the load
	// generator set the figure), and leaves the other metrics alone.
	restCell := &run.Cells[len(run.Cells)-1]
	restCell.Status, restCell.Flags = record.StatusClientBound, []string{record.StatusClientBound}
	rows := BuildClaim(run).Rows
	if got := rows[0].Refs[0].Text; got != "no data: rest client-bound (not the server's maximum)" {
		t.Errorf("client-bound REST: %q", got)
	}
	if got := rows[1].Refs[0].Verdict; got != VerdictStronger {
		t.Errorf("client-bound REST, bytes: %q", got)
	}
	// A failed side gives no ratio.
	restCell.Status = record.StatusFailed
	for _, r := range BuildClaim(run).Rows {
		if r.Refs[0].Verdict != VerdictNoData || r.Other != "failed" {
			t.Errorf("%s: failed REST cell gives %s %q", r.Metric, r.Other, r.Refs[0].Text)
		}
	}
}

func TestClaimMissing(t *testing.T) {
	run := claimRun(nil)
	run.Cells = run.Cells[:1] // gorilla only
	cl := BuildClaim(run)
	if cl.Missing == "" || len(cl.Rows) != 0 {
		t.Errorf("missing %q, %d rows", cl.Missing, len(cl.Rows))
	}
	var md bytes.Buffer
	cl.Markdown(&md, run, nil)
	if !strings.Contains(md.String(), "could not be tested in this run") {
		t.Errorf("section: %s", md.String())
	}
	if p, _ := newView(run).claimChart(cl); p != nil {
		t.Error("a chart without data")
	}
}
