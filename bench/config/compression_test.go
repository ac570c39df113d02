package config

import (
	"slices"
	"strings"
	"testing"

	"github.com/wsbench/wsbench/loadgen/payload"
	"github.com/wsbench/wsbench/loadgen/wire"
	"github.com/wsbench/wsbench/servers/registry"
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

func TestQuickHasNoCompression(t *testing.T) {
	c := Quick()
	if c.Compression != nil {
		t.Fatal("the quick matrix has compression")
	}
	for _, cell := range c.Cells(fourteenLibs) {
		if cell.Deflate != "" || cell.PayloadKind != "" || strings.Contains(cell.ID(), "deflate") {
			t.Fatalf("%s: compression fields in the quick matrix", cell.ID())
		}
		if lc := cell.Loadgen(); lc.Deflate != "" || lc.Payload != "" {
			t.Fatalf("%s: load generator asked for %q %q", cell.ID(), lc.Deflate, lc.Payload)
		}
	}
}

// registryLibs are the registry's libraries and registryVariants their
// declared permessage-deflate variants.
func registryLibs() []Lib {
	var out []Lib
	for _, l := range registry.All() {
		out = append(out, Lib{Name: l.Name, Proto: string(l.Proto)})
	}
	return out
}

func registryVariants(lib string) []server.Deflate {
	l, _ := registry.Lookup(lib)
	return l.Deflate.Variants()
}

// TestReferenceHasCompression: the reference matrix is its cells without
// compression, unchanged and first, then the compression cells: every
// library that declares permessage-deflate in each variant and off, on
// each workload for echo and broadcast, and its idle connections, within
// ReferenceCompressionBudget.
func TestReferenceHasCompression(t *testing.T) {
	libs := registryLibs()
	c := Default()
	c.Compression.Variants = registryVariants
	if err := c.Validate(registry.Names()); err != nil {
		t.Fatal(err)
	}
	plain := Default()
	plain.Compression = nil
	before, all := plain.Cells(libs), c.Cells(libs)
	if len(all) <= len(before) {
		t.Fatalf("%d cells with compression, %d without", len(all), len(before))
	}
	for i, cell := range before {
		if all[i] != cell {
			t.Fatalf("cell %d: %s, was %s without compression", i, all[i].ID(), cell.ID())
		}
	}
	added := all[len(before):]
	got := map[string]bool{}
	for _, cell := range added {
		if cell.Deflate == "" {
			t.Fatalf("%s: a compression cell without a mode", cell.ID())
		}
		if !cell.Extra || cell.Row() != cell.Lib+"+deflate-"+cell.Deflate {
			t.Errorf("%s: row %s, extra %v: want the mode's row, outside the library matrix", cell.ID(), cell.Row(), cell.Extra)
		}
		got[cell.Lib+"/"+cell.Deflate+"/"+string(cell.Scenario)+"/"+string(cell.PayloadKind)] = true
	}
	k := c.Compression
	for _, l := range registry.All() {
		vs := l.Deflate.Variants()
		if len(vs) == 0 {
			continue
		}
		for _, d := range append([]server.Deflate{{Mode: server.DeflateOff}}, vs...) {
			for _, s := range k.Scenarios {
				kinds := []payload.Kind{""}
				if s.Scenario != Connect {
					kinds = nil
					for _, w := range k.Workloads {
						kinds = append(kinds, w.Payload)
					}
				}
				for _, kind := range kinds {
					if key := l.Name + "/" + d.String() + "/" + string(s.Scenario) + "/" + string(kind); !got[key] {
						t.Errorf("no cell %s", key)
					}
				}
			}
		}
	}
	extra := plain.PlanFor(added, DefaultCosts)
	if extra.Measure > ReferenceCompressionBudget {
		t.Errorf("the compression cells add %s to the reference run, over %s", extra.Measure, ReferenceCompressionBudget)
	}
}

// TestFixedRateBelowCapacity: no compression cell's fixed-rate echo offers
// more than MaxFixedRateBytes per second (at 1,000 messages/s of 16 KiB,
// gobwas/ws at its default level and SockJS lost messages).
func TestFixedRateBelowCapacity(t *testing.T) {
	for _, c := range []Config{CompressionMatrix(), Default()} {
		c.Compression.Variants = registryVariants
		n := 0
		for _, cell := range c.Cells(registryLibs()) {
			if cell.Deflate == "" || cell.Scenario != EchoOpen {
				continue
			}
			n++
			if bps := cell.Rate * float64(cell.PayloadBytes); bps > MaxFixedRateBytes {
				t.Errorf("%s offers %.0f bytes/s, over %d", cell.ID(), bps, MaxFixedRateBytes)
			}
		}
		if n == 0 {
			t.Error("no fixed-rate compression cell")
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

// -scenarios keeps the reference matrix's compression specs of the kept
// scenarios, and drops its compression when it keeps none of them.
func TestOnlyFiltersReferenceCompression(t *testing.T) {
	c := Default()
	c.Only([]Scenario{Connect, EchoClosed})
	if k := c.Compression; k == nil || len(k.Scenarios) != 1 || k.Scenarios[0].Scenario != Connect {
		t.Fatalf("compression after keeping connect: %+v", k)
	}
	if len(Default().Compression.Scenarios) < 2 {
		t.Fatal("Only changed the preset it was given a copy of")
	}
	c.Only([]Scenario{EchoClosed})
	if c.Compression != nil {
		t.Errorf("compression kept without any of its scenarios: %+v", c.Compression)
	}
}
