package slides

import (
	"testing"

	"github.com/wsbench/wsbench/bench/compression"
	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/record"
	"github.com/wsbench/wsbench/internal/demo"
	"github.com/wsbench/wsbench/loadgen/payload"
)

// withCompression is the demo run with gorilla's chat JSON echo off and
// without context takeover.
func withCompression() *record.Run {
	run := demo.Run(true)
	const size = 256
	for _, v := range []struct {
		mode   string
		rx     float64
		cpuUS  float64
		perCon float64
	}{{"off", size + 6, 100, 20000}, {"no-context-takeover", size / 2, 150, 26000}} {
		echo := config.Cell{Lib: "gorilla", Proto: "ws", Scenario: config.EchoOpen, PayloadBytes: size, Conns: 100, Rate: 1000,
			Deflate: v.mode, PayloadKind: payload.ChatJSON, Extra: true}
		idle := config.Cell{Lib: "gorilla", Proto: "ws", Scenario: config.Connect, Conns: 2000, Deflate: v.mode, Extra: true}
		run.Cells = append(run.Cells,
			record.Cell{Cell: echo, ID: echo.ID(), Status: record.StatusOK, Median: map[string]float64{
				record.BytesTXPerMsg: v.rx, record.BytesRXPerMsg: v.rx, record.ServerCPUUSPerMsg: v.cpuUS, record.LatP50: 200, record.LatP99: 400}},
			record.Cell{Cell: idle, ID: idle.ID(), Status: record.StatusOK, Median: map[string]float64{record.ServerRSSPerConn: v.perCon}})
	}
	return run
}

// The compression slide states the compression finding, word for word,
// and a run without compression cells has neither.
func TestCompressionSlideStatesTheFinding(t *testing.T) {
	run := withCompression()
	m := Model(run, nil)
	f := m.Finding(compression.ID)
	if f == nil {
		t.Fatal("no compression finding")
	}
	s := slide(t, BuildFrom(m, nil), "compression")
	if s.Title != f.Title || s.Finding != compression.ID || s.Table == nil || len(s.Table.Rows) != 1 {
		t.Errorf("slide %q (finding %q, table %+v), finding %q", s.Title, s.Finding, s.Table, f.Title)
	}
	if Model(demo.Run(true), nil).Finding(compression.ID) != nil {
		t.Error("a run without compression cells has a compression finding")
	}
}
