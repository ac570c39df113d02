package config

import (
	"reflect"
	"testing"

	"github.com/wsbench/wsbench/loadgen/scenario"
)

// Every cell of the default matrix, main and variant cells, reaches the
// load generator as itself: its configuration survives the command line,
// names the cell's variant and runs the cell's mode.
func TestCellLoadgen(t *testing.T) {
	cfg := Default()
	for i := range cfg.Scenarios {
		for _, v := range Variants {
			if v.AppliesTo(cfg.Scenarios[i].Scenario) {
				cfg.Scenarios[i].Variants = append(cfg.Scenarios[i].Variants, VariantSpec{Variant: v})
			}
		}
	}
	seen := map[Variant]bool{}
	for _, c := range cfg.Cells(sevenLibs) {
		if c.Load > 0 {
			c.Rate = 1000 // the runner sets it from the measured capacity
		}
		seen[c.Variant] = true
		lc := c.Loadgen()
		lc.URL = "ws://127.0.0.1:9"
		back, err := scenario.Parse(lc.Args())
		if err != nil || !reflect.DeepEqual(back, lc) {
			t.Errorf("%s: %q read back as %+v (%v), want %+v", c.ID(), lc.Args(), back, err, lc)
		}
		if got := lc.Variant(); got != string(c.Variant.Loadgen()) {
			t.Errorf("%s: the load generator would run variant %q", c.ID(), got)
		}
		if lc.Mode() != c.Scenario.Mode() {
			t.Errorf("%s: the load generator would run mode %q", c.ID(), lc.Mode())
		}
		if string(lc.Proto) != c.Proto || lc.Conns != c.Conns || lc.Size != c.PayloadBytes || lc.Window != c.Window {
			t.Errorf("%s: %+v", c.ID(), lc)
		}
	}
	for _, v := range Variants {
		if !seen[v] {
			t.Errorf("no cell of variant %s", v)
		}
	}
}
