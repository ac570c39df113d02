package htmlreport

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const md = `# Run x

Intro with a **table**:

| lib | msgs/s |
| --- | ---: |
| a | 1 |

## Results

![Throughput](charts/t.svg)

### Detail

Text.

## Environment
`

func TestRenderInlinesChartsAndListsHeadings(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "charts"), 0o755)
	os.WriteFile(filepath.Join(dir, "charts", "t.svg"), []byte("<?xml version=\"1.0\"?>\n<!-- gen -->\n<svg viewBox=\"0 0 2 1\"><text>bars</text></svg>"), 0o644)
	os.WriteFile(filepath.Join(dir, "REPORT.md"), []byte(md), 0o644)
	if err := Write(dir); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, want := range []string{
		"<title>Run x</title>",
		`<a href="#results">Results</a>`, `<a href="#detail">Detail</a>`, `<a href="#environment">Environment</a>`,
		`<h2 id="results">Results</h2>`,
		`<span class="chart" role="img" aria-label="Throughput"><svg viewBox="0 0 2 1"><text>bars</text></svg></span>`,
		"<table>", `<td style="text-align:right">1</td>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("REPORT.html lacks %s", want)
		}
	}
	if strings.Contains(page, "<img") || strings.Contains(page, "<?xml") {
		t.Error("a chart was not inlined cleanly")
	}
}

func TestMissingChartIsAnError(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "REPORT.md"), []byte(md), 0o644)
	if err := Write(dir); err == nil || !strings.Contains(err.Error(), "t.svg") {
		t.Errorf("err = %v, want one naming the missing chart", err)
	}
}
