package config

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wsbench/wsbench/loadgen/scenario"
)

var sevenLibs = []Lib{
	{"coder", "ws"}, {"gobwas", "ws"}, {"gorilla", "ws"}, {"nhooyr", "ws"},
	{"rest", "http"}, {"sockjs", "sockjs"}, {"xnet", "ws"}, {"tcp", "tcp"},
}

func names(libs []Lib) []string {
	var n []string
	for _, l := range libs {
		n = append(n, l.Name)
	}
	return n
}

// fourteenLibs stands for the registry the reference run covers.
var fourteenLibs = append(slices.Clone(sevenLibs),
	Lib{"gws", "ws"}, Lib{"nbio", "ws"}, Lib{"gobwas-epoll", "ws"}, Lib{"fasthttp", "ws"},
	Lib{"hertz", "ws"}, Lib{"native", "ws"})

func TestDefaultMatrixFitsItsBudget(t *testing.T) {
	c := Default()
	if err := c.Validate(names(fourteenLibs)); err != nil {
		t.Fatal(err)
	}
	// The library matrix; the compression cells that follow it have their
	// own budget and trials (TestReferenceHasCompression).
	c.Compression.Variants = registryVariants
	cells := c.Cells(fourteenLibs)
	first := slices.IndexFunc(cells, func(c Cell) bool { return c.Deflate != "" })
	if first < 0 {
		t.Fatal("the reference matrix has no compression cells")
	}
	cells = cells[:first]
	plan := c.PlanFor(cells, DefaultCosts)
	if plan.Total > 25*time.Minute {
		t.Errorf("default plan %s exceeds 25 minutes", plan.Total)
	}
	trials := 0
	for _, cell := range cells {
		if cell.Trials < 4 {
			t.Errorf("%s has %d trials: a rank test needs 4 to separate anything", cell.ID(), cell.Trials)
		}
		if cell.Scenario == EchoClosed && cell.Trials < 5 {
			t.Errorf("%s has %d trials: closed-loop throughput, the headline, keeps 5", cell.ID(), cell.Trials)
		}
		trials += cell.Trials
		if cell.Trials > plan.Rounds {
			t.Errorf("%s has %d trials in a plan of %d rounds", cell.ID(), cell.Trials, plan.Rounds)
		}
	}
	maxConns := map[Scenario]int{}
	for _, cell := range cells {
		maxConns[cell.Scenario] = max(maxConns[cell.Scenario], cell.Conns)
	}
	for sc, want := range map[Scenario]int{EchoClosed: 1000, EchoOpen: 1000, Broadcast: 1000, Connect: 19000} {
		if maxConns[sc] < want {
			t.Errorf("%s reaches %d connections, want at least %d", sc, maxConns[sc], want)
		}
	}
	if !slices.Equal(c.Spec(EchoClosed).Sizes, []int{64, 1024, 16384}) || !slices.Contains(c.Spec(EchoOpen).Sizes, 1024) ||
		!slices.Equal(c.Spec(EchoOpen).Loads, DefaultOpenLoads) || !slices.Equal(c.Spec(EchoOpen).OpenRates(), DefaultOpenRates) {
		t.Errorf("the claim's sizes or the latency curve's points changed: %+v", c.Scenarios)
	}
	if plan.Trials != trials+cells[0].Trials {
		t.Errorf("plan counts %d trials for %d cells", plan.Trials, len(cells))
	}
	t.Log(plan)
}

func TestQuickMatrixFitsItsBudget(t *testing.T) {
	c := Quick()
	plan := c.PlanFor(c.Cells(fourteenLibs), DefaultCosts)
	if plan.Total > 2*time.Minute {
		t.Errorf("quick plan %s exceeds 2 minutes", plan.Total)
	}
	for _, s := range Scenarios {
		if c.Spec(s) == nil {
			t.Errorf("quick matrix skips %s", s)
		}
	}
	seen := map[Variant]bool{}
	for _, cell := range c.Cells(sevenLibs) {
		seen[cell.Variant] = true
	}
	for _, v := range Variants {
		if !seen[v] {
			t.Errorf("quick matrix skips variant %s", v)
		}
	}
	t.Log(plan)
}

func TestCellsAndIDs(t *testing.T) {
	c := Default()
	cells := c.Cells(sevenLibs[:2])
	ids := map[string]bool{}
	for _, cell := range cells {
		if ids[cell.ID()] {
			t.Errorf("duplicate cell %s", cell.ID())
		}
		ids[cell.ID()] = true
	}
	if !ids["coder/echo-closed/1024B/1000c"] || !ids["gobwas/connect/19000c"] || !ids["gobwas/echo-open/1024B/1000c@50%"] {
		t.Errorf("ids: %v", ids)
	}
	// A column is the ID without the row: every library and variant
	// measures the same columns.
	columns := map[string][]string{}
	for _, cell := range c.Cells(fourteenLibs) {
		if cell.ID() != cell.Row()+"/"+cell.Column() {
			t.Errorf("%s: row %s, column %s", cell.ID(), cell.Row(), cell.Column())
		}
		columns[cell.Column()] = append(columns[cell.Column()], cell.Row())
	}
	for col, rows := range columns {
		if len(rows) < len(fourteenLibs) {
			t.Errorf("column %s has %d rows, fewer than the %d libraries: %v", col, len(rows), len(fourteenLibs), rows)
		}
	}
	if rows := columns["echo-closed/1024B/1000c"]; !slices.Contains(rows, "rest+new-conn") || !slices.Contains(rows, "gorilla+1-in-flight") {
		t.Errorf("variant rows missing from their column: %v", rows)
	}
	for _, cell := range cells {
		if cell.Scenario == Connect && (cell.Duration != 0 || cell.Warmup != 0 || cell.Hold == 0) {
			t.Errorf("%s: connect cell %+v", cell.ID(), cell)
		}
		if cell.Scenario == EchoOpen && (cell.Rate > 0) == (cell.Load > 0) {
			t.Errorf("%s: needs exactly one of a rate and a load: %+v", cell.ID(), cell)
		}
	}
}

func TestLoadOverridesBase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.json")
	body := `{"libs":["gorilla"],"trials":5,"duration":"2s","warmup":0.5,
		"scenarios":[{"scenario":"echo-closed","sizes":[64],"conns":[10],"window":4}]}`
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path, Default())
	if err != nil {
		t.Fatal(err)
	}
	if c.Trials != 5 || c.Duration.Duration != 2*time.Second || c.Warmup.Duration != 500*time.Millisecond ||
		!slices.Equal(c.Libs, []string{"gorilla"}) || len(c.Scenarios) != 1 || c.Scenarios[0].Window != 4 || !c.Drift {
		t.Errorf("loaded %+v", c)
	}
	if err := c.Validate([]string{"gorilla"}); err != nil {
		t.Error(err)
	}
	if err := os.WriteFile(path, []byte(`{"trails":3}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path, Default()); err == nil || !strings.Contains(err.Error(), "trails") {
		t.Errorf("unknown field accepted: %v", err)
	}
}

func TestValidateRejects(t *testing.T) {
	cases := map[string]func(*Config){
		"unknown library":   func(c *Config) { c.Libs = []string{"nope"} },
		"trials":            func(c *Config) { c.Trials = 0 },
		"duration":          func(c *Config) { c.Duration = D(0) },
		"unknown scenario":  func(c *Config) { c.Scenarios[0].Scenario = "ping" },
		"listed twice":      func(c *Config) { c.Scenarios[1].Scenario = c.Scenarios[0].Scenario },
		"connection count":  func(c *Config) { c.Scenarios[0].Conns = []int{0} },
		"no payload sizes":  func(c *Config) { c.Scenarios[0].Sizes = nil },
		"window":            func(c *Config) { c.Scenarios[0].Window = 0 },
		"needs a rate":      func(c *Config) { o := c.Spec(EchoOpen); o.Rate, o.Rates, o.Loads = 0, nil, nil },
		"fraction":          func(c *Config) { c.Spec(EchoOpen).Loads = []float64{-1} },
		"for echo-open":     func(c *Config) { c.Spec(Broadcast).Loads = []float64{0.5} },
		"no scenarios":      func(c *Config) { c.Scenarios = nil },
		"no connection cou": func(c *Config) { c.Scenarios[0].Conns = nil },
	}
	for want, mutate := range cases {
		c := Default()
		c.Scenarios = slices.Clone(c.Scenarios)
		mutate(&c)
		err := c.Validate(names(sevenLibs))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v", want, err)
		}
	}
}

func TestParseScenarios(t *testing.T) {
	got, err := ParseScenarios("echo-open, connect")
	if err != nil || !slices.Equal(got, []Scenario{EchoOpen, Connect}) {
		t.Errorf("%v %v", got, err)
	}
	if _, err := ParseScenarios("echo"); err == nil {
		t.Error("accepted echo")
	}
	c := Default()
	c.Only([]Scenario{Connect, EchoClosed})
	if len(c.Scenarios) != 2 || c.Scenarios[0].Scenario != EchoClosed {
		t.Errorf("Only: %+v", c.Scenarios)
	}
	if len(Default().Scenarios) != 4 {
		t.Error("Only changed the default")
	}
	if c.Spec(EchoClosed) == nil || len(c.Spec(EchoClosed).Variants) == 0 {
		t.Error("Only dropped the variants of a kept scenario")
	}
}

func TestClaimVariantCells(t *testing.T) {
	c := Default()
	cells := c.Cells(sevenLibs)
	byID := map[string]Cell{}
	for _, cell := range cells {
		if _, dup := byID[cell.ID()]; dup {
			t.Errorf("duplicate cell %s", cell.ID())
		}
		byID[cell.ID()] = cell
	}
	// The request/response rows: keep-alive is the main matrix, new-conn a
	// closed-loop variant with the same sizes and connections, and
	// gorilla with one message in flight is the WebSocket side on equal
	// footing.
	for _, size := range []int{64, 1024, 16384} {
		main, ok := byID[fmt.Sprintf("rest/echo-closed/%dB/1000c", size)]
		if !ok || main.Variant != VariantHTTPKeepAlive || main.Extra || main.Window != 1 {
			t.Errorf("rest %dB main cell: %+v", size, main)
		}
		nc, ok := byID[fmt.Sprintf("rest+new-conn/echo-closed/%dB/1000c", size)]
		if !ok || nc.Variant != VariantHTTPNewConn || !nc.Extra || nc.Conns != main.Conns {
			t.Errorf("rest+new-conn %dB: %+v", size, nc)
		}
		g := byID[fmt.Sprintf("gorilla/echo-closed/%dB/1000c", size)]
		if g.Variant != VariantWS || g.Extra || g.Window != DefaultWindow || g.Trials != 5 {
			t.Errorf("gorilla %dB: %+v", size, g)
		}
		g1, ok := byID[fmt.Sprintf("gorilla+1-in-flight/echo-closed/%dB/1000c", size)]
		if !ok || g1.Variant != VariantWSOneInFlight || !g1.Extra || g1.Window != 1 {
			t.Errorf("gorilla+1-in-flight %dB: %+v", size, g1)
		}
		if _, ok := byID[fmt.Sprintf("coder+1-in-flight/echo-closed/%dB/1000c", size)]; ok {
			t.Errorf("the one-in-flight variant is for %s only", ClaimLib)
		}
	}
	// The open loop: two fractions of each library's capacity and the
	// absolute rates, at 1 KiB, for every library alike.
	var ids []string
	for _, l := range DefaultOpenLoads {
		ids = append(ids, LoadLabel(l, 0))
	}
	for _, r := range DefaultOpenRates {
		ids = append(ids, LoadLabel(0, r))
	}
	if !slices.Contains(ids, "25%") || !slices.Contains(ids, "50%") {
		t.Errorf("the open loop's points %v lack @25%% or @50%%", ids)
	}
	for _, lib := range []string{"gorilla", "rest", "sockjs"} {
		for _, id := range ids {
			cell, ok := byID[fmt.Sprintf("%s/echo-open/1024B/1000c@%s", lib, id)]
			if !ok || cell.Extra || (strings.HasSuffix(id, "%") != (cell.Load > 0)) || (cell.Load > 0) == (cell.Rate > 0) {
				t.Errorf("%s open loop at %s: %+v", lib, id, cell)
			}
		}
	}
	// The push rows at 1,000 subscribers.
	main := byID["rest/broadcast/1024B/1000c"]
	if main.Variant != VariantPoll || main.PollInterval != 250*time.Millisecond || main.Extra {
		t.Errorf("rest broadcast main cell: %+v", main)
	}
	want := map[string]Variant{
		"rest+poll-50ms": VariantPoll, "rest+longpoll": VariantLongPoll, "rest+sse": VariantSSE,
		"sockjs+xhr-streaming": VariantSockJSXHRStreaming, "sockjs+xhr-polling": VariantSockJSXHRPolling,
	}
	for row, v := range want {
		cell, ok := byID[fmt.Sprintf("%s/broadcast/1024B/1000c", row)]
		if !ok || cell.Variant != v || !cell.Extra || cell.Rate != main.Rate || cell.Publishers != 1 {
			t.Errorf("%s: %+v", row, cell)
		}
		if (v == VariantPoll) != (cell.PollInterval > 0) {
			t.Errorf("%s: poll interval %s", row, cell.PollInterval)
		}
	}
	if _, ok := byID["rest+poll-250ms/broadcast/1024B/1000c"]; ok {
		t.Error("polling at the main interval repeated as a variant")
	}
	extra := 0
	for _, cell := range cells {
		if cell.Extra {
			extra++
		}
	}
	// new-conn and gorilla one-in-flight: 3 sizes each; push: 5 variants.
	if extra != 3+3+5 {
		t.Errorf("%d variant cells, want 11", extra)
	}
	// Only the variant cells' protocol (and library) decides who gets them.
	if got := len(c.Cells([]Lib{{"coder", "ws"}})); got != 3+6+1+1 {
		t.Errorf("coder alone: %d cells", got)
	}
}

func TestVariantFlagsAndLabels(t *testing.T) {
	cases := []struct {
		v     Variant
		poll  time.Duration
		label string
		flags string
	}{
		{VariantHTTPNewConn, 0, "new-conn", "-proto http -http-conn new"},
		{VariantPoll, 50 * time.Millisecond, "poll-50ms", "-proto http"},
		{VariantPoll, 1500 * time.Millisecond, "poll-1.5s", "-proto http"},
		{VariantLongPoll, 0, "longpoll", "-proto http -subscribe longpoll"},
		{VariantSSE, 0, "sse", "-proto http -subscribe sse"},
		{VariantSockJSXHRStreaming, 0, "xhr-streaming", "-proto sockjs -transport xhr-streaming"},
		{VariantSockJSXHRPolling, 0, "xhr-polling", "-proto sockjs -transport xhr-polling"},
		{VariantWS, 0, "ws", "-proto ws"},
		{VariantWSOneInFlight, 0, "1-in-flight", "-proto ws"},
		{VariantHTTPKeepAlive, 0, "keepalive", "-proto http"},
	}
	for _, c := range cases {
		if got := VariantLabel(c.v, c.poll); got != c.label {
			t.Errorf("%s: label %q, want %q", c.v, got, c.label)
		}
		lc := scenario.Config{Warmup: scenario.DefaultWarmup, Hold: scenario.DefaultHold, Spin: scenario.DefaultSpin}
		c.v.Apply(&lc)
		if got := strings.Join(lc.Args(), " "); got != c.flags {
			t.Errorf("%s: flags %q, want %q", c.v, got, c.flags)
		}
	}
	for _, v := range Variants {
		if !v.Known() || v.Proto() == "" || v.Describe() == string(v) {
			t.Errorf("%s: incomplete", v)
		}
	}
	if DefaultVariant("http", Broadcast) != VariantPoll || DefaultVariant("http", EchoOpen) != VariantHTTPKeepAlive ||
		DefaultVariant("sockjs", Broadcast) != VariantSockJSWebSocket || DefaultVariant("ws", Connect) != VariantWS {
		t.Error("default variants")
	}
}

func TestValidateRejectsBadVariants(t *testing.T) {
	cases := map[string]struct {
		sc Scenario
		vs VariantSpec
	}{
		"unknown variant":        {EchoClosed, VariantSpec{Variant: "carrier-pigeon"}},
		"does not apply":         {EchoClosed, VariantSpec{Variant: VariantLongPoll}},
		"needs a positive":       {Broadcast, VariantSpec{Variant: VariantPoll}},
		"is for the poll varian": {Broadcast, VariantSpec{Variant: VariantSSE, PollInterval: D(time.Second)}},
	}
	for want, tc := range cases {
		c := Default()
		c.Spec(tc.sc).Variants = []VariantSpec{tc.vs}
		if err := c.Validate(names(sevenLibs)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v", want, err)
		}
	}
	c := Default()
	b := c.Spec(Broadcast)
	b.Variants = append(b.Variants, b.Variants[0])
	if err := c.Validate(names(sevenLibs)); err == nil || !strings.Contains(err.Error(), "listed twice") {
		t.Errorf("duplicate variant: %v", err)
	}
}

func TestLoadVariants(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.json")
	body := `{"scenarios":[{"scenario":"broadcast","sizes":[64],"conns":[10],"rate":5,"publishers":1,"poll_interval":"100ms",
		"variants":[{"variant":"sse"},{"variant":"poll","poll_interval":"2s"}]}]}`
	if err := os.WriteFile(path, []byte(`{"trials":4}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if c, err := Load(path, Default()); err != nil || c.Trials != 4 || len(c.Scenarios) != 4 || len(c.Spec(Broadcast).Variants) == 0 {
		t.Errorf("a file without scenarios lost the base's: %v %+v", err, c)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	// Default's broadcast spec has variants with poll intervals: none may
	// leak into the file's.
	c, err := Load(path, Default())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(names(sevenLibs)); err != nil {
		t.Fatal(err)
	}
	if c.Trials != Default().Trials || len(c.Scenarios) != 1 {
		t.Errorf("loaded %+v", c)
	}
	var ids []string
	for _, cell := range c.Cells([]Lib{{"rest", "http"}}) {
		ids = append(ids, cell.ID())
	}
	want := []string{"rest/broadcast/64B/10c", "rest+sse/broadcast/64B/10c", "rest+poll-2s/broadcast/64B/10c"}
	if !slices.Equal(ids, want) {
		t.Errorf("cells %v, want %v", ids, want)
	}
}
