package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/wsbench/wsbench/bench/compression"
	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/record"
	"github.com/wsbench/wsbench/internal/demo"
	"github.com/wsbench/wsbench/loadgen/payload"
)

// The report of a run with compression cells lists the compression
// finding among the findings and has the section "What compression
// costs"; one without them has neither.
func TestReportHasCompressionSection(t *testing.T) {
	run := demo.Run(true)
	var plain bytes.Buffer
	Markdown(&plain, run, nil)
	if strings.Contains(plain.String(), compression.Section) {
		t.Error("a run without compression cells has the compression section")
	}
	const size = 256
	for _, mode := range []string{"off", "no-context-takeover"} {
		c := config.Cell{Lib: "gorilla", Proto: "ws", Scenario: config.EchoOpen, PayloadBytes: size, Conns: 100, Rate: 1000,
			Deflate: mode, PayloadKind: payload.ChatJSON, Extra: true}
		rx := float64(size)
		if mode != "off" {
			rx /= 2
		}
		run.Cells = append(run.Cells, record.Cell{Cell: c, ID: c.ID(), Status: record.StatusOK,
			Median: map[string]float64{record.BytesTXPerMsg: rx, record.BytesRXPerMsg: rx, record.ServerCPUUSPerMsg: 100}})
	}
	var md bytes.Buffer
	Markdown(&md, run, nil)
	out := md.String()
	title := compression.Finding(run).Title
	findings, section := strings.Index(out, "- **"+title+"**"), strings.Index(out, "## "+compression.Section)
	if findings < 0 || section < findings {
		t.Errorf("finding at %d, section at %d:\n%s", findings, section, out)
	}
}

// tablesText is every result table of run and the claim, as Markdown,
// leaving out the list of cells that need care (which names every cell).
func tablesText(run *record.Run) string {
	var b bytes.Buffer
	for _, tb := range Tables(run) {
		if tb.Title != "Cells that need care" {
			tb.Markdown(&b)
		}
	}
	BuildClaim(run).Markdown(&b, run, nil)
	return b.String()
}

// Compression cells in a run change none of its library tables, claim
// rows or claim details: they have their own section.
func TestCompressionCellsLeaveTheTablesAlone(t *testing.T) {
	run := demo.Run(true)
	before := tablesText(run)
	for _, sc := range []config.Scenario{config.EchoOpen, config.Broadcast, config.Connect} {
		for _, lib := range []string{"gorilla", "coder"} { // libraries of the run
			c := config.Cell{Lib: lib, Proto: "ws", Scenario: sc, PayloadBytes: 16384, Conns: 100, Rate: 256,
				Deflate: "no-context-takeover", PayloadKind: payload.JSON, Extra: true}
			if sc == config.Connect {
				c.PayloadBytes, c.Rate, c.PayloadKind = 0, 0, ""
			}
			run.Cells = append(run.Cells, record.Cell{Cell: c, ID: c.ID(), Status: record.StatusOK,
				Median: map[string]float64{record.MsgsPerSec: 256, record.LatP50: 300, record.LatP99: 900, record.ServerRSSPerConn: 30000}})
		}
	}
	if after := tablesText(run); after != before {
		t.Errorf("tables changed by compression cells:\n%s", after)
	}
}
