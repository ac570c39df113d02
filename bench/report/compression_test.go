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
