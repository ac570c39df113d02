package config

import (
	"slices"
	"strings"
	"testing"

	"github.com/wsbench/wsbench/loadgen/payload"
	"github.com/wsbench/wsbench/loadgen/wire"
	"github.com/wsbench/wsbench/servers/server"
)

// deflateVariants stands for the registry: gorilla without context takeover,
// coder with both, gobwas without at two levels, xnet none.
func deflateVariants(lib string) []server.Deflate {
	nct := server.Deflate{Mode: server.DeflateNoContextTakeover, Level: server.LevelDefault}
	switch lib {
	case "gorilla":
		return []server.Deflate{nct}
	case "coder":
		return []server.Deflate{nct, {Mode: server.DeflateContextTakeover, Level: server.LevelDefault}}
	case "gobwas":
		return []server.Deflate{nct, {Mode: server.DeflateNoContextTakeover, Level: server.LevelFastest}}
	}
	return nil
}

func TestCompressionCells(t *testing.T) {
	c := CompressionMatrix()
	c.Compression.Variants = deflateVariants
	if err := c.Validate(names(fourteenLibs)); err != nil {
		t.Fatal(err)
	}
	cells := c.Cells(fourteenLibs)
	perMode := 0
	for _, s := range c.Scenarios {
		if s.Scenario == Connect {
			perMode++
		} else {
			perMode += len(c.Compression.Workloads)
		}
	}
	count := map[string]int{}
	ids := map[string]bool{}
	for _, cell := range cells {
		count[cell.Lib+"/"+cell.Deflate]++
		if ids[cell.ID()] {
			t.Errorf("two cells named %s", cell.ID())
		}
		ids[cell.ID()] = true
		lc := cell.Loadgen()
		if lc.Payload != cell.PayloadKind || (lc.Payload == "") != (cell.Scenario == Connect) {
			t.Errorf("%s: load generator payload %q", cell.ID(), lc.Payload)
		}
		if on := cell.Deflate != string(server.DeflateOff); on != (lc.Deflate == wire.DeflateContextTakeover) || !on && lc.Deflate != "" {
			t.Errorf("%s: load generator offers %q", cell.ID(), lc.Deflate)
		}
		if !strings.Contains(cell.Row(), "+deflate-"+cell.Deflate) || cell.Scenario != Connect && !strings.HasSuffix(cell.Column(), "/"+string(cell.PayloadKind)) {
			t.Errorf("%s: row %s column %s do not name the mode and payload", cell.ID(), cell.Row(), cell.Column())
		}
		if cell.Scenario == Connect {
			if !lc.ConnectEcho {
				t.Errorf("%s: idle connections measured before carrying a message", cell.ID())
			}
			continue
		}
		w := slices.IndexFunc(c.Compression.Workloads, func(w Workload) bool { return w.Payload == cell.PayloadKind })
		if w < 0 || c.Compression.Workloads[w].Size != cell.PayloadBytes {
			t.Errorf("%s: %d bytes for workload %s", cell.ID(), cell.PayloadBytes, cell.PayloadKind)
		}
	}
	want := map[string]int{
		"gorilla/off": perMode, "gorilla/no-context-takeover": perMode,
		"coder/off": perMode, "coder/no-context-takeover": perMode, "coder/context-takeover": perMode,
		"gobwas/off": perMode, "gobwas/no-context-takeover": perMode, "gobwas/no-context-takeover-fastest": perMode,
	}
	if len(count) != len(want) {
		t.Errorf("cells per library and mode %v, want %v", count, want)
	}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("%s: %d cells, want %d", k, count[k], n)
		}
	}
	plan := c.PlanFor(cells, DefaultCosts)
	if plan.Total <= 0 {
		t.Fatal("no plan")
	}
}

func TestCompressionNotInReference(t *testing.T) {
	for _, c := range []Config{Default(), Quick()} {
		if c.Compression != nil {
			t.Fatal("a reference or quick matrix has compression")
		}
		for _, cell := range c.Cells(fourteenLibs) {
			if cell.Deflate != "" || cell.PayloadKind != "" || strings.Contains(cell.ID(), "deflate") {
				t.Fatalf("%s: compression fields in the reference matrix", cell.ID())
			}
			if lc := cell.Loadgen(); lc.Deflate != "" || lc.Payload != "" {
				t.Fatalf("%s: load generator asked for %q %q", cell.ID(), lc.Deflate, lc.Payload)
			}
		}
	}
}

func TestCompressionValidate(t *testing.T) {
	bad := []func(*Config){
		func(c *Config) { c.Compression.Modes = nil },
		func(c *Config) { c.Compression.Modes = []server.DeflateMode{"sometimes"} },
		func(c *Config) { c.Compression.Workloads = []Workload{{Payload: "nope", Size: 100}} },
		func(c *Config) { c.Compression.Workloads = []Workload{{Payload: payload.JSON, Size: 10}} },
		func(c *Config) { c.Scenarios[0].Loads = []float64{0.5} },
	}
	for i, f := range bad {
		c := CompressionMatrix()
		f(&c)
		if err := c.Validate(names(fourteenLibs)); err == nil {
			t.Errorf("case %d: invalid compression matrix accepted", i)
		}
	}
}
