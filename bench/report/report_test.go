package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"github.com/wsbench/wsbench/bench/analysis"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/fixture"
	"github.com/wsbench/wsbench/bench/record"
	"github.com/wsbench/wsbench/servers/registry"
)

var update = flag.Bool("update", false, "rewrite testdata/results.json from the fixture generator")

const fixturePath = "testdata/results.json"

// fixtureRun builds a run of every registered library over the default
// matrix, variants included, from invented numbers, with failed
// (sockjs broadcast and sockjs+xhr-polling broadcast at 1,000
// subscribers), client-bound (rest echo-closed), client-limited (rest
// echo-open at 90% of capacity) and noisy (xnet echo-open at 50%) cells.
// Open-loop cells given as a fraction of capacity get their rate from the
// closed-loop cell's median, as the runner does.
func fixtureRun() *record.Run {
	cfg := config.Default()
	cfg.Libs = registry.Names()
	var libs []config.Lib
	for _, l := range registry.All() {
		libs = append(libs, config.Lib{Name: l.Name, Proto: string(l.Proto)})
	}
	run := &record.Run{
		Name:      "fixture",
		StartedAt: "2026-01-02T03:04:05Z",
		PlannedS:  800,
		ElapsedS:  790,
		Complete:  true,
		Environment: record.Environment{
			Host: "fixture-host", CPUModel: "Fixture CPU @ 3.0GHz", Cores: 2, Kernel: "6.1.0", OS: "linux", Arch: "amd64",
			GoVersion: "go1.26.0", GitCommit: "0123456789abcdef",
			Libraries: map[string]record.Library{},
			Split:     record.Split{ServerCPUs: []int{0}, ClientCPUs: []int{1}, Pinned: true, Taskset: "/usr/bin/taskset"},
			Matrix:    cfg,
		},
	}
	for _, l := range registry.All() {
		run.Environment.Libraries[l.Name] = record.Library{Module: l.Module, Version: "v1.0.0", Proto: string(l.Proto)}
	}
	capacity := map[string]float64{}
	for _, c := range cfg.Cells(libs) {
		rc := record.CellFrom(c)
		if c.Load > 0 {
			c.Rate = math.Round(c.Load * capacity[fmt.Sprint(c.Lib, c.PayloadBytes, c.Conns)])
			rc.Rate = c.Rate
		}
		for n := 1; n <= c.Trials; n++ {
			jitter := 0.02
			if c.Lib == "xnet" && c.Scenario == config.EchoOpen && c.Load == 0.5 {
				jitter = 0.3 // noisy
			}
			res := fixture.Result(fixture.Params{
				Lib: c.Lib, Scenario: c.Scenario.LoadgenScenario(), Mode: c.Scenario.Mode(), Proto: c.Proto,
				Conns: c.Conns, Size: c.PayloadBytes, Rate: c.Rate, Duration: c.Duration, Warmup: c.Warmup,
				Hold: c.Hold, Trial: n, Jitter: jitter, Variant: string(c.Variant), PollInterval: c.PollInterval,
			})
			if c.Lib == "rest" && c.Scenario == config.EchoClosed {
				res.Server.CPUUtil = 0.6 // client-bound
			}
			if c.Lib == "rest" && c.Scenario == config.EchoOpen && c.Load == 0.9 {
				res.Client.CPUUtil, res.ClientGOMAXPROCS = 0.95, 1 // client-limited
			}
			if c.Lib == "sockjs" && c.Scenario == config.Broadcast && c.Conns == 1000 && n == 2 &&
				(!c.Extra || c.Variant == config.VariantSockJSXHRPolling) {
				res.Lost = 17 // failed
			}
			rc.Trials = append(rc.Trials, record.Trial{N: n, StartedAt: run.StartedAt, WallS: 5, Addr: "127.0.0.1:1", Result: &res})
		}
		record.Summarize(&rc, 1, c.Trials)
		if c.Scenario == config.EchoClosed && !c.Extra {
			capacity[fmt.Sprint(c.Lib, c.PayloadBytes, c.Conns)] = rc.Median[record.MsgsPerSec]
		}
		run.Cells = append(run.Cells, rc)
	}
	again := run.Cells[0]
	run.Drift = record.CompareDrift(&run.Cells[0], &again)
	return run
}

func loadFixture(t *testing.T) *record.Run {
	t.Helper()
	if *update {
		b, err := json.Marshal(fixtureRun())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(fixturePath, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run, err := record.Load(fixturePath)
	if err != nil {
		t.Fatalf("%v (regenerate with go test ./bench/report -run TestWrite -update)", err)
	}
	return run
}

func TestFixtureStatuses(t *testing.T) {
	run := loadFixture(t)
	want := map[string]string{
		"gorilla/echo-closed/1024B/1000c": record.StatusOK,
		"rest/echo-closed/1024B/1000c":    record.StatusClientBound,
		"rest/echo-open/1024B/1000c@90%":  record.StatusClientLimited,
		"xnet/echo-open/1024B/1000c@50%":  record.StatusNoisy,
		"sockjs/broadcast/1024B/1000c":    record.StatusFailed,
	}
	for _, c := range run.Cells {
		if s, ok := want[c.ID]; ok {
			if c.Status != s {
				t.Errorf("%s: status %s, want %s (%s)", c.ID, c.Status, s, c.Reason)
			}
			delete(want, c.ID)
		}
	}
	if len(want) > 0 {
		t.Errorf("fixture lacks cells %v", want)
	}
}

func TestWrite(t *testing.T) {
	run := loadFixture(t)
	dir := t.TempDir()
	if err := Write(analysis.Build(run, ClaimFinding(run)), dir); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(dir, "REPORT.md"))
	if err != nil {
		t.Fatal(err)
	}
	report := string(md)

	// Every chart the report references exists and is well-formed SVG.
	refs := regexp.MustCompile(`!\[[^\]]*\]\(([^)]+)\)`).FindAllStringSubmatch(report, -1)
	if len(refs) < 6 {
		t.Errorf("%d charts referenced, want at least 6", len(refs))
	}
	for _, ref := range refs {
		checkSVG(t, filepath.Join(dir, ref[1]))
	}
	for _, want := range []string{"echo-throughput-1KiB-1000c.svg", "latency-vs-load-1KiB-1000c.svg",
		"broadcast-delivery-1KiB.svg", "broadcast-last-1KiB.svg", "memory-per-conn-19000c.svg"} {
		if !strings.Contains(report, "charts/"+want) {
			t.Errorf("REPORT.md does not reference %s", want)
		}
	}

	for _, want := range []string{"## How to read this report", "client-bound", "noisy", "failed",
		"Drift check", "Fixture CPU", "Library features", "Handshakes per second", "Server memory per idle connection",
		"Server CPU time per echoed message", "Bytes on the wire", "time to the last subscriber", "p99.9",
		"Echo latency at 25k msgs/s offered to every library", "Highest offered load within a latency budget",
		"Server CPU µs per message against offered load", "How evenly connections were served", "Jain", "**Tier**", "| T1 ",
		"client-limited", "This is not a ranking of libraries"} {
		if !strings.Contains(report, want) {
			t.Errorf("REPORT.md lacks %q", want)
		}
	}

	// results.csv: a header and one row per cell.
	f, err := os.Open(filepath.Join(dir, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(run.Cells)+1 {
		t.Errorf("results.csv has %d rows, want %d", len(rows), len(run.Cells)+1)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	variants := map[string]string{}
	for _, r := range rows[1:] {
		variants[r[col["id"]]] = r[col["variant"]] + " " + r[col["extra"]] + " " + r[col["poll_interval_ms"]]
	}
	for id, want := range map[string]string{
		"rest+new-conn/echo-closed/64B/1000c":       "http-new-conn true 0",
		"rest/broadcast/1024B/1000c":                "poll false 250",
		"rest+poll-50ms/broadcast/1024B/1000c":      "poll true 50",
		"gorilla/echo-open/1024B/1000c@50%":         "ws false 0",
		"gorilla+1-in-flight/echo-closed/64B/1000c": "ws-1-in-flight true 0",
	} {
		if variants[id] != want {
			t.Errorf("results.csv %s: variant, extra, poll interval %q, want %q", id, variants[id], want)
		}
	}
}

func checkSVG(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Error(err)
		return
	}
	dec := xml.NewDecoder(bytes.NewReader(b))
	root := ""
	texts := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Errorf("%s: not XML: %v", path, err)
			return
		}
		if se, ok := tok.(xml.StartElement); ok {
			if root == "" {
				root = se.Name.Local
			}
			if se.Name.Local == "text" {
				texts++
			}
		}
	}
	if root != "svg" {
		t.Errorf("%s: root element %q, want svg", path, root)
	}
	if texts < 5 {
		t.Errorf("%s: only %d text elements", path, texts)
	}
	if !strings.Contains(string(b), "Fixture CPU") {
		t.Errorf("%s: caption with the machine missing", path)
	}
}

func TestTablesHaveEveryLibrary(t *testing.T) {
	run := loadFixture(t)
	tables := Tables(run)
	if len(tables) < 10 {
		t.Fatalf("%d tables", len(tables))
	}
	for _, tb := range tables {
		if tb.ID == "problems" {
			continue
		}
		// A library whose open loop only ran at fractions of its own
		// capacity (none here) would be missing from an equal-rate table;
		// the header must still match every row.
		seen := map[string]bool{}
		for _, r := range tb.Rows {
			seen[r[0]] = true
			if len(r) != len(tb.Header) {
				t.Errorf("%s: row %v has %d cells for %d columns", tb.ID, r[0], len(r), len(tb.Header))
			}
		}
		for _, lib := range registry.Names() {
			if !seen[lib] {
				t.Errorf("table %s lacks %s", tb.ID, lib)
			}
		}
	}
}

func TestFailedCellsShowNoNumber(t *testing.T) {
	run := loadFixture(t)
	for _, tb := range Tables(run) {
		if !strings.HasPrefix(tb.ID, "broadcast-") {
			continue
		}
		col := -1
		for i, h := range tb.Header {
			if strings.HasPrefix(h, "1,000") {
				col = i
			}
		}
		for _, r := range tb.Rows {
			if r[0] == "sockjs" && r[col] != "failed" {
				t.Errorf("%s: sockjs shows %q for a failed cell", tb.ID, r[col])
			}
		}
	}
	var buf bytes.Buffer
	Terminal(&buf, run)
	out := buf.String()
	if !strings.Contains(out, "sockjs/broadcast/1024B/1000c") || !strings.Contains(out, "17 lost") {
		t.Errorf("terminal output does not explain the failed cell:\n%s", out)
	}
}

func TestFormat(t *testing.T) {
	cases := []struct{ got, want string }{
		{fmtCount(52123), "52.1k"}, {fmtCount(1234567), "1.23M"}, {fmtCount(950), "950"}, {fmtCount(12.34), "12.3"},
		{fmtUS(87.4), "87.4 µs"}, {fmtUS(1234), "1.23 ms"}, {fmtUS(2.5e6), "2.5 s"},
		{fmtBytes(5300), "5.18 KiB"}, {fmtBytes(812), "812 B"},
		{fmtSize(1024), "1 KiB"}, {fmtSize(128), "128 B"}, {fmtSize(16384), "16 KiB"},
		{fmtInt(10000), "10,000"}, {fmtInt(100), "100"},
		{secs((90 * time.Second).Seconds()), "1m30s"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
