package matrix

import (
	"bytes"
	"strings"
	"testing"

	"github.com/wsbench/wsbench/loadgen/conformance"
)

func TestMarkdown(t *testing.T) {
	cases := []conformance.Result{
		{ID: "1.1.1", Category: "framing", Verdict: conformance.OK},
		{ID: "6.5.13", Category: "utf8", Verdict: conformance.Failed, Detail: "server went on"},
		{ID: "6.5.1", Category: "utf8", Verdict: conformance.OK},
		{ID: "9.9.1", Category: "limits", Verdict: conformance.NonStrict, Detail: "late"},
	}
	rep := &conformance.Report{Form: "short", Environment: map[string]string{"git_commit": "0123456789abcdef"},
		Libraries: []conformance.LibraryReport{
			{Name: "a", Suite: "websocket", Cases: cases, Counts: conformance.Count(cases)},
			{Name: "rest", NotApplicable: "proto http"},
		}}
	var b bytes.Buffer
	Markdown(&b, rep, "conformance.json")
	out := b.String()
	for _, want := range []string{
		"| websocket | utf8 | 1 OK · 1 F |",
		"| | **all cases** | **2 OK · 1 NS · 1 F** |",
		"| rejects invalid UTF-8 (1007) (6.3, 6.5.13-40) | no (1/1 failed) |",
		"| frames of every length, fragmented and chunked (1.1-1.2, 5.3-5.8, 5.19-5.20, 10.1) | yes |",
		"no (1/1 failed)",
		"| refuses an oversized frame from its header (9.9.1) | late (1/1 non-strict) |",
		"- **a**, utf8: 1 F (6.5.13). 6.5.13: server went on.",
		"not applicable: proto http",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if !strings.Contains(out, "| suite | category | a |\n") {
		t.Errorf("a library without a suite got a table column:\n%s", out)
	}
}
