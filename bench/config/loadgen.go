package config

import (
	"github.com/wsbench/wsbench/loadgen/scenario"
	"github.com/wsbench/wsbench/loadgen/wire"
	"github.com/wsbench/wsbench/servers/server"
)

// Loadgen is the load generator's configuration for one trial of c, all
// but where and for how long: the caller sets URL, ServerPID and Timeout.
// Its Args are the load generator's command line.
func (c Cell) Loadgen() scenario.Config {
	lc := scenario.Config{
		Proto:    wire.Proto(c.Proto),
		Scenario: c.Scenario.LoadgenScenario(),
		Conns:    c.Conns,
		Window:   c.Window,
		Size:     c.PayloadBytes,
		Rate:     c.Rate,
		Warmup:   c.Warmup,
		Duration: c.Duration,
		Hold:     c.Hold,
		Spin:     scenario.DefaultSpin,

		Publishers:      c.Publishers,
		PollInterval:    c.PollInterval,
		ConnectRate:     c.ConnectRate,
		DialConcurrency: c.DialConcurrency,
	}
	v := c.Variant
	if v == "" {
		v = DefaultVariant(c.Proto, c.Scenario)
	}
	v.Apply(&lc)
	lc.Payload = c.PayloadKind
	if c.Deflate != "" && c.Deflate != string(server.DeflateOff) {
		// As a browser offers it; the server's mode decides.
		lc.Deflate = wire.DeflateContextTakeover
	}
	if c.Deflate != "" && c.Scenario == Connect {
		// Memory per idle connection once it has carried a message,
		// off included, for the comparison.
		lc.ConnectEcho = true
	}
	return lc
}
