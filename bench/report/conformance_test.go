package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wsbench/wsbench/loadgen/conformance"
)

func TestConformanceMarkdownLatest(t *testing.T) {
	root := t.TempDir()
	write := func(dir string, failed int) {
		rep := &conformance.Report{Form: "full", Environment: map[string]string{"git_commit": "abc"}}
		cases := []conformance.Result{{ID: "1.1.1", Category: "framing", Verdict: conformance.OK}}
		for range failed {
			cases = append(cases, conformance.Result{ID: "6.5.1", Category: "utf8", Verdict: conformance.Failed})
		}
		rep.Libraries = []conformance.LibraryReport{
			{Name: "lib", Suite: "websocket", Cases: cases, Counts: conformance.Count(cases)},
			{Name: "rest", NotApplicable: "proto http"},
		}
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := rep.WriteJSON(filepath.Join(root, dir, "conformance.json")); err != nil {
			t.Fatal(err)
		}
	}
	write("2026-01-01T000000-a", 1)
	write("2026-02-01T000000-a", 3)
	var b bytes.Buffer
	ConformanceMarkdown(&b, root)
	out := b.String()
	for _, want := range []string{"2026-02-01T000000-a", "| lib | websocket | 1 | 0 | 3 | 0 | 0 | utf8 (3) |", "| rest | not applicable |"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "2026-01-01") {
		t.Errorf("older run shown:\n%s", out)
	}
	b.Reset()
	ConformanceMarkdown(&b, filepath.Join(root, "none"))
	if b.Len() != 0 {
		t.Errorf("output without a run: %q", b.String())
	}
}
