package report

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/wsbench/wsbench/loadgen/conformance"
)

// ConformanceRoot is where `make conformance` writes its runs; the report
// shows the latest one beside the features table.
var ConformanceRoot = filepath.Join("results", "conformance")

// LatestConformance loads the newest <root>/*/conformance.json (run
// directories are named <date-host>, so the newest sorts last). It returns
// "" and no error when there is none.
func LatestConformance(root string) (string, *conformance.Report, error) {
	paths, err := filepath.Glob(filepath.Join(root, "*", "conformance.json"))
	if err != nil || len(paths) == 0 {
		return "", nil, err
	}
	sort.Strings(paths)
	p := paths[len(paths)-1]
	rep, err := conformance.ReadReport(p)
	return p, rep, err
}

// ConformanceMarkdown writes the "Conformance" table: per library, the
// count of each verdict and the categories with failures, from the latest
// conformance run. It writes nothing when there is no run.
func ConformanceMarkdown(w io.Writer, root string) {
	path, rep, err := LatestConformance(root)
	if err != nil {
		fmt.Fprintf(w, "Conformance: %s could not be read: %v\n\n", path, err)
		return
	}
	if rep == nil {
		return
	}
	fmt.Fprintf(w, "### Conformance\n\nProtocol conformance from `%s` (form %s, commit %.12s; every case in `%s`): RFC 6455 cases for WebSocket servers, SockJS protocol 0.3 cases for SockJS servers.\n\n",
		filepath.ToSlash(filepath.Join(filepath.Dir(path), "CONFORMANCE.md")), rep.Form, rep.Environment["git_commit"], filepath.ToSlash(path))
	fmt.Fprintf(w, "| library | suite |")
	for _, v := range conformance.Verdicts {
		fmt.Fprintf(w, " %s |", v)
	}
	fmt.Fprintf(w, " categories with failures |\n| --- | --- |%s --- |\n", strings.Repeat(" ---: |", len(conformance.Verdicts)))
	for _, l := range rep.Libraries {
		if l.NotApplicable != "" {
			fmt.Fprintf(w, "| %s | not applicable |%s |\n", l.Name, strings.Repeat(" |", len(conformance.Verdicts)))
			continue
		}
		fmt.Fprintf(w, "| %s | %s |", l.Name, l.Suite)
		for _, v := range conformance.Verdicts {
			fmt.Fprintf(w, " %d |", l.Counts[v])
		}
		var failed []string
		by := conformance.CountBy(l.Cases, func(r conformance.Result) string { return r.Category })
		for _, r := range l.Cases {
			if c := by[r.Category]; c[conformance.Failed] > 0 {
				failed = append(failed, fmt.Sprintf("%s (%d)", r.Category, c[conformance.Failed]))
				delete(by, r.Category)
			}
		}
		fmt.Fprintf(w, " %s |\n", strings.Join(failed, ", "))
	}
	fmt.Fprintln(w)
}

// conformanceSection is the hook Markdown calls after the features table.
func conformanceSection(w io.Writer) {
	if _, err := os.Stat(ConformanceRoot); err == nil {
		ConformanceMarkdown(w, ConformanceRoot)
	}
}
