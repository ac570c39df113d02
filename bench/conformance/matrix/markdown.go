package matrix

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/wsbench/wsbench/loadgen/conformance"
	"github.com/wsbench/wsbench/loadgen/conformance/sockjsproto"
)

// abbrev shortens verdicts in table cells.
var abbrev = map[conformance.Verdict]string{
	conformance.OK: "OK", conformance.NonStrict: "NS", conformance.Failed: "F",
	conformance.Informational: "I", conformance.Unimplemented: "U",
}

// Cell renders counts as "40 OK · 2 F" (empty counts: "").
func Cell(c conformance.Counts) string {
	var parts []string
	for _, v := range conformance.Verdicts {
		if c[v] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c[v], abbrev[v]))
		}
	}
	return strings.Join(parts, " · ")
}

// Legend explains the cell abbreviations.
const Legend = "OK = as the RFC / protocol requires, NS = non-strict (allowed, not strict), F = failed, I = informational, U = unimplemented (not runnable here)"

// suiteCategories lists each suite's categories in report order.
func suiteCategories() [][2]string {
	var out [][2]string
	for _, c := range conformance.Categories {
		out = append(out, [2]string{"websocket", c})
	}
	for _, c := range sockjsproto.Categories {
		out = append(out, [2]string{"sockjs", c})
	}
	return out
}

// Table writes one Markdown table: a row per suite category, a column per
// library with a suite, and a total row.
func Table(w io.Writer, rep *conformance.Report) {
	var libs []conformance.LibraryReport
	for _, l := range rep.Libraries {
		if l.NotApplicable == "" {
			libs = append(libs, l)
		}
	}
	fmt.Fprint(w, "| suite | category |")
	for _, l := range libs {
		fmt.Fprintf(w, " %s |", l.Name)
	}
	fmt.Fprint(w, "\n| --- | --- |")
	for range libs {
		fmt.Fprint(w, " --- |")
	}
	fmt.Fprintln(w)
	by := map[string]map[string]conformance.Counts{}
	for _, l := range libs {
		by[l.Name] = conformance.CountBy(l.Cases, func(r conformance.Result) string { return r.Category })
	}
	for _, sc := range suiteCategories() {
		used := false
		for _, l := range libs {
			if l.Suite == sc[0] && by[l.Name][sc[1]] != nil {
				used = true
			}
		}
		if !used {
			continue
		}
		fmt.Fprintf(w, "| %s | %s |", sc[0], sc[1])
		for _, l := range libs {
			cell := ""
			if l.Suite == sc[0] {
				cell = Cell(by[l.Name][sc[1]])
			}
			fmt.Fprintf(w, " %s |", cell)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprint(w, "| | **all cases** |")
	for _, l := range libs {
		fmt.Fprintf(w, " **%s** |", Cell(l.Counts))
	}
	fmt.Fprintln(w)
}

// Notable writes one line per library and category with failed or
// non-strict cases: how many, which, and the first one's detail.
func Notable(w io.Writer, rep *conformance.Report) {
	for _, l := range rep.Libraries {
		groups := map[string][]conformance.Result{}
		var cats []string
		for _, r := range l.Cases {
			if r.Verdict != conformance.Failed && r.Verdict != conformance.NonStrict {
				continue
			}
			if groups[r.Category] == nil {
				cats = append(cats, r.Category)
			}
			groups[r.Category] = append(groups[r.Category], r)
		}
		for _, c := range cats {
			rs := groups[c]
			var ids []string
			for _, r := range rs {
				ids = append(ids, r.ID)
			}
			if len(ids) > 6 {
				ids = append(ids[:6], "...")
			}
			fmt.Fprintf(w, "- **%s**, %s: %s (%s). %s: %s.\n", l.Name, c, Cell(conformance.Count(rs)),
				strings.Join(ids, ", "), rs[0].ID, strings.TrimSuffix(oneLine(rs[0].Detail), "."))
		}
	}
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 220 {
		s = s[:220] + "..."
	}
	return s
}

// check is one behaviour summarised from a group of cases.
type check struct {
	label string
	cases string // the case IDs, as shown
	match func(id string) bool
}

// prefix matches IDs equal to one of ps or below one (p + ".").
func prefix(ps ...string) func(string) bool {
	return func(id string) bool {
		for _, p := range ps {
			if id == p || strings.HasPrefix(id, p+".") {
				return true
			}
		}
		return false
	}
}

// span matches group.N for lo <= N <= hi.
func span(group string, lo, hi int) func(string) bool {
	return func(id string) bool {
		var n int
		rest, ok := strings.CutPrefix(id, group+".")
		if !ok {
			return false
		}
		if _, err := fmt.Sscanf(rest, "%d", &n); err != nil || fmt.Sprint(n) != rest {
			return false
		}
		return n >= lo && n <= hi
	}
}

func anyOf(fs ...func(string) bool) func(string) bool {
	return func(id string) bool {
		for _, f := range fs {
			if f(id) {
				return true
			}
		}
		return false
	}
}

var checks = []check{
	{"frames of every length, fragmented and chunked", "1.1-1.2, 5.3-5.8, 5.19-5.20, 10.1", anyOf(prefix("1.1", "1.2", "10.1"), span("5", 3, 8), span("5", 19, 20))},
	{"rejects unmasked client frames", "1.3.1", prefix("1.3.1")},
	{"ping/pong rules (125-byte limit, no fragmented control frames)", "2, 5.1-5.2", anyOf(prefix("2"), span("5", 1, 2))},
	{"rejects reserved bits and opcodes", "3, 4", prefix("3", "4")},
	{"rejects broken fragmentation", "5.9-5.18", span("5", 9, 18)},
	{"rejects invalid UTF-8 (1007)", "6.3, 6.5.13-40", anyOf(prefix("6.3"), span("6.5", 13, 40))},
	{"rejects invalid UTF-8 before the message ends", "6.4", prefix("6.4")},
	{"validates close frames (length, code, UTF-8 reason)", "7.3.2, 7.3.6, 7.5.1, 7.9", prefix("7.3.2", "7.3.6", "7.5.1", "7.9")},
	{"answers valid close codes", "7.7", prefix("7.7")},
	{"enforces the message limit (1009)", "9.9.2", prefix("9.9.2")},
	{"refuses an oversized frame from its header", "9.9.1", prefix("9.9.1")},
}

// Validates writes a table: what each WebSocket library validates, each
// cell summarising a group of cases (yes, partly, no).
func Validates(w io.Writer, rep *conformance.Report) {
	var libs []conformance.LibraryReport
	for _, l := range rep.Libraries {
		if l.Suite == "websocket" {
			libs = append(libs, l)
		}
	}
	if len(libs) == 0 {
		return
	}
	fmt.Fprint(w, "| behaviour (cases) |")
	for _, l := range libs {
		fmt.Fprintf(w, " %s |", l.Name)
	}
	fmt.Fprint(w, "\n| --- |")
	for range libs {
		fmt.Fprint(w, " --- |")
	}
	fmt.Fprintln(w)
	for _, c := range checks {
		fmt.Fprintf(w, "| %s (%s) |", c.label, c.cases)
		for _, l := range libs {
			var rs []conformance.Result
			for _, r := range l.Cases {
				if c.match(r.ID) {
					rs = append(rs, r)
				}
			}
			fmt.Fprintf(w, " %s |", summary(conformance.Count(rs), len(rs)))
		}
		fmt.Fprintln(w)
	}
}

func summary(c conformance.Counts, n int) string {
	switch {
	case n == 0:
		return ""
	case c[conformance.Failed] > 0:
		return fmt.Sprintf("no (%d/%d failed)", c[conformance.Failed], n)
	case c[conformance.NonStrict] > 0:
		return fmt.Sprintf("late (%d/%d non-strict)", c[conformance.NonStrict], n)
	case c[conformance.OK]+c[conformance.Informational] == n:
		return "yes"
	}
	return Cell(c)
}

// Markdown writes CONFORMANCE.md for a run.
func Markdown(w io.Writer, rep *conformance.Report, jsonPath string) {
	e := rep.Environment
	fmt.Fprintf(w, "# Conformance\n\n")
	fmt.Fprintf(w, "Form `%s`, %s on %s (%s cores, %s), kernel %s, %s, commit %s. Every case with what was sent, what is required and what the server did: [`%s`](%s).\n\n",
		rep.Form, e["date"], e["host"], e["cores"], e["cpu_model"], e["kernel"], e["go_version"], short(e["git_commit"]), jsonPath, jsonPath)
	fmt.Fprintf(w, "| library | module | version | suite |\n| --- | --- | --- | --- |\n")
	for _, l := range rep.Libraries {
		suite := l.Suite
		if l.NotApplicable != "" {
			suite = "not applicable: " + l.NotApplicable
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", l.Name, l.Module, l.Version, suite)
	}
	fmt.Fprintf(w, "\n## Verdicts per category\n\n%s.\n\n", Legend)
	Table(w, rep)
	fmt.Fprintf(w, "\n## What each library validates\n\n")
	Validates(w, rep)
	fmt.Fprintf(w, "\n## Notable failures\n\n")
	Notable(w, rep)
}

func short(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

// SortedNames returns the libraries' names with a suite, sorted.
func SortedNames(rep *conformance.Report) []string {
	var out []string
	for _, l := range rep.Libraries {
		if l.NotApplicable == "" {
			out = append(out, l.Name)
		}
	}
	sort.Strings(out)
	return out
}
