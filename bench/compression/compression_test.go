package compression

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wsbench/wsbench/bench/analysis"
	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/fixture"
	"github.com/wsbench/wsbench/bench/format"
	"github.com/wsbench/wsbench/bench/record"
	"github.com/wsbench/wsbench/loadgen/payload"
	"github.com/wsbench/wsbench/loadgen/result"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const (
	chatSize = 256
	bigSize  = 16384
)

// figures are one echo cell's medians: wire bytes per message each way,
// server CPU µs per message, latency p50 and p99.
type figures struct{ tx, rx, cpu, p50, p99 float64 }

func echo(lib, variant string, kind payload.Kind, size int, f figures) record.Cell {
	return record.Cell{
		Cell:   config.Cell{Lib: lib, Proto: "ws", Scenario: config.EchoOpen, PayloadBytes: size, Conns: 100, Rate: 1000, Deflate: variant, PayloadKind: kind, Extra: true},
		Status: record.StatusOK,
		Median: map[string]float64{
			record.BytesTXPerMsg: f.tx, record.BytesRXPerMsg: f.rx, record.ServerCPUUSPerMsg: f.cpu,
			record.LatP50: f.p50, record.LatP99: f.p99,
		},
	}
}

func broadcast(lib, variant string, kind payload.Kind, size int, rx float64) record.Cell {
	return record.Cell{
		Cell:   config.Cell{Lib: lib, Proto: "ws", Scenario: config.Broadcast, PayloadBytes: size, Conns: 1000, Rate: 5, Deflate: variant, PayloadKind: kind, Extra: true},
		Status: record.StatusOK,
		Median: map[string]float64{record.BytesRXPerMsg: rx},
	}
}

func idle(lib, variant string, perConn float64) record.Cell {
	return record.Cell{
		Cell:   config.Cell{Lib: lib, Proto: "ws", Scenario: config.Connect, Conns: 2000, Deflate: variant, Extra: true},
		Status: record.StatusOK,
		Median: map[string]float64{record.ServerRSSPerConn: perConn},
	}
}

func failed(c record.Cell) record.Cell {
	c.Status, c.Median = record.StatusFailed, nil
	return c
}

// sampleRun is a small run: gorilla off and without context takeover, coder
// also with it, on chat JSON and 16 KiB random bytes; one failed cell;
// xnet measured without compression cells (it has no permessage-deflate);
// a library cell without compression, which the analysis ignores.
func sampleRun() *record.Run {
	off, nct, ct := "off", "no-context-takeover", "context-takeover"
	cells := []record.Cell{
		{Cell: config.Cell{Lib: "gorilla", Proto: "ws", Scenario: config.EchoClosed, PayloadBytes: 1024, Conns: 1000}, Status: record.StatusOK,
			Median: map[string]float64{record.MsgsPerSec: 50000}},
		echo("gorilla", off, payload.ChatJSON, chatSize, figures{264, 262, 100, 150, 300}),
		echo("gorilla", off, payload.Random, bigSize, figures{bigSize + 8, bigSize + 4, 80, 160, 320}),
		broadcast("gorilla", off, payload.ChatJSON, chatSize, 262),
		idle("gorilla", off, 20000),
		echo("gorilla", nct, payload.ChatJSON, chatSize, figures{180, 170, 150, 210, 600}),
		echo("gorilla", nct, payload.Random, bigSize, figures{bigSize + 20, bigSize + 10, 200, 300, 900}),
		broadcast("gorilla", nct, payload.ChatJSON, chatSize, 175),
		idle("gorilla", nct, 25000),
		echo("coder", off, payload.ChatJSON, chatSize, figures{264, 262, 120, 140, 280}),
		echo("coder", off, payload.Random, bigSize, figures{bigSize + 8, bigSize + 4, 100, 150, 300}),
		idle("coder", off, 20000),
		echo("coder", ct, payload.ChatJSON, chatSize, figures{115, 100, 180, 200, 400}),
		failed(echo("coder", ct, payload.Random, bigSize, figures{})),
		idle("coder", ct, 150000),
		{Cell: config.Cell{Lib: "xnet", Proto: "ws", Scenario: config.EchoClosed, PayloadBytes: 1024, Conns: 1000}, Status: record.StatusOK,
			Median: map[string]float64{record.MsgsPerSec: 40000}},
	}
	run := &record.Run{Name: "fixture", Cells: cells}
	run.Environment.Matrix.Libs = []string{"gorilla", "coder", "xnet"}
	return run
}

func TestModel(t *testing.T) {
	a := Build(sampleRun())
	want := []Workload{{payload.ChatJSON, chatSize}, {payload.Random, bigSize}}
	if len(a.Workloads) != len(want) || a.Workloads[0] != want[0] || a.Workloads[1] != want[1] {
		t.Fatalf("workloads %v, want %v", a.Workloads, want)
	}
	row := func(lib, variant string, kind payload.Kind) Row {
		t.Helper()
		for _, r := range a.Rows {
			if r.Lib == lib && r.Variant == variant && r.Workload.Kind == kind {
				return r
			}
		}
		t.Fatalf("no row %s %s %s", lib, variant, kind)
		return Row{}
	}
	g := row("gorilla", "no-context-takeover", payload.ChatJSON)
	if g.Up != 180.0/chatSize || g.Down != 170.0/chatSize || g.Broadcast != 175.0/chatSize {
		t.Errorf("gorilla wire ratios %v %v %v", g.Up, g.Down, g.Broadcast)
	}
	if g.CPURatio != 150.0/100 || g.P50Ratio != 210.0/150 || g.P99Ratio != 600.0/300 {
		t.Errorf("gorilla ratios against off: cpu %v p50 %v p99 %v", g.CPURatio, g.P50Ratio, g.P99Ratio)
	}
	if o := row("gorilla", "off", payload.ChatJSON); o.CPURatio != 1 || o.On() {
		t.Errorf("off against itself: %v, on %v", o.CPURatio, o.On())
	}
	c := row("coder", "context-takeover", payload.Random)
	if len(c.Failed) != 1 || c.Failed[0] != config.EchoOpen || c.Down != 0 || c.CPURatio != 0 {
		t.Errorf("failed cell gave numbers: %+v", c)
	}
	for _, r := range a.Rows {
		if r.Throughput != 0 {
			t.Errorf("%s %s: a library-matrix cell counted as compression throughput", r.Lib, r.Variant)
		}
	}
	for _, m := range a.Memory {
		if m.Lib == "coder" && m.Variant == "context-takeover" && m.Ratio != 150000.0/20000 {
			t.Errorf("coder context takeover memory ratio %v", m.Ratio)
		}
	}
	if len(a.Unsupported) != 1 || a.Unsupported[0].Lib != "xnet" || a.Unsupported[0].Note == "" {
		t.Errorf("unsupported %+v, want xnet with its feature note", a.Unsupported)
	}
}

func TestFindingTitleFromData(t *testing.T) {
	f := Build(sampleRun()).Finding()
	if f == nil || f.ID != ID {
		t.Fatalf("finding %+v", f)
	}
	// Best case: coder with context takeover on chat JSON; worst (random):
	// gorilla without; CPU at the median of the on rows that have one;
	// memory: coder's context takeover.
	for _, want := range []string{
		"chat JSON (256 B) to " + format.Percent(100.0/chatSize) + " of its bytes at best (coder context-takeover)",
		"16 KiB random bytes at " + format.Percent(float64(bigSize+10)/bigSize) + " (gorilla no-context-takeover)",
		format.Ratio(median([]float64{150.0 / 100, 200.0 / 80, 180.0 / 120})) + " the server CPU per message",
		format.Ratio(150000.0/20000) + " the memory per idle connection (coder context-takeover)",
	} {
		if !strings.Contains(f.Title, want) {
			t.Errorf("title %q lacks %q", f.Title, want)
		}
	}
	if len(f.Notes) != 3 || !strings.HasPrefix(f.Notes[0], "gorilla:") || !strings.Contains(f.Notes[1], "1 cell(s) failed") || !strings.Contains(f.Notes[2], "xnet") {
		t.Errorf("notes %q", f.Notes)
	}
	if Build(&record.Run{}).Finding() != nil {
		t.Error("a run without compression cells has a compression finding")
	}
}

func TestMarkdownGolden(t *testing.T) {
	var b bytes.Buffer
	Build(sampleRun()).Markdown(&b)
	golden := filepath.Join("testdata", "section.md")
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("section differs from %s (go test -update to accept):\n%s", golden, b.String())
	}
	var empty bytes.Buffer
	Build(&record.Run{}).Markdown(&empty)
	if empty.Len() != 0 {
		t.Errorf("a run without compression cells wrote %q", empty.String())
	}
}

func TestSlideTable(t *testing.T) {
	a := Build(sampleRun())
	head, rows := a.SlideTable()
	if len(head) != 1+len(a.Workloads)+2 || len(rows) != 2 {
		t.Fatalf("header %q rows %q", head, rows)
	}
	if rows[0][0] != "gorilla no-context-takeover" || rows[0][1] != format.Percent(170.0/chatSize) || rows[1][2] != "–" {
		t.Errorf("rows %q", rows)
	}
}

// The load generator's own wire ratio (wire and message bytes of the same
// interval) wins over wire bytes per message against the payload size,
// which replies still queued at the interval's end skew; failed trials
// give none.
func TestWireRatioFromTrials(t *testing.T) {
	c := echo("gobwas", "no-context-takeover", payload.JSON, bigSize, figures{tx: bigSize / 4, rx: 24, cpu: 300, p50: 1000, p99: 2000})
	for i, r := range []float64{0.25, 0.2, 0.3, 0.01} {
		tr := record.Trial{N: i + 1, Result: &result.Result{WireRatio: &result.Bytes{TX: r, RX: r}}}
		if i == 3 {
			tr.Result.Failed = true
		}
		c.Trials = append(c.Trials, tr)
	}
	up, down := wireRatios(&c)
	if up != 0.25 || down != 0.25 {
		t.Errorf("ratios %v %v, want the median of the trials that did not fail", up, down)
	}
	c.Trials = nil
	if up, down = wireRatios(&c); up != 0.25 || down != 24.0/bigSize {
		t.Errorf("without trial ratios: %v %v, want bytes per message over the size", up, down)
	}
}

// The trial range the report and the deck state is the library matrix's
// when the run has one, the compression cells' otherwise.
func TestTrialRangeLeavesCompressionOut(t *testing.T) {
	cell := func(variant string, n int) record.Cell {
		c := echo("gorilla", variant, payload.ChatJSON, chatSize, figures{})
		for i := range n {
			res := fixture.Result(fixture.Params{Lib: "gorilla", Scenario: "echo", Mode: "open", Proto: "ws", Conns: 100, Size: chatSize,
				Rate: 1000, Duration: time.Second, Trial: i + 1})
			c.Trials = append(c.Trials, record.Trial{N: i + 1, Result: &res})
		}
		return c
	}
	const library, compressed = 5, 1
	run := &record.Run{Cells: []record.Cell{cell("", library), cell("off", compressed)}}
	if lo, hi := analysis.TrialRange(run); lo != library || hi != library {
		t.Errorf("trial range %d–%d, want the library cells' %d", lo, hi, library)
	}
	run.Cells = run.Cells[1:]
	if lo, hi := analysis.TrialRange(run); lo != compressed || hi != compressed {
		t.Errorf("trial range %d–%d of a compression-only run, want %d", lo, hi, compressed)
	}
}
