package report

import (
	"fmt"
	"github.com/wsbench/wsbench/bench/format"
	"io"
	"strings"
	"unicode/utf8"
)

// Table is one table of the report.
type Table struct {
	ID     string // anchor and terminal selector
	Title  string
	Note   string // one paragraph under the title
	Header []string
	Rows   [][]string
	// Text left-aligns every column (tables of words, not numbers).
	Text bool
}

// Markdown renders t as a GitHub table with padded columns, which also
// reads well on a terminal.
func (t Table) Markdown(w io.Writer) {
	fmt.Fprintf(w, "### %s\n\n", t.Title)
	if t.Note != "" {
		fmt.Fprintf(w, "%s\n\n", t.Note)
	}
	widths := make([]int, len(t.Header))
	for i, h := range t.Header {
		widths[i] = max(3, width(h))
	}
	for _, r := range t.Rows {
		for i := range t.Header {
			if i < len(r) {
				widths[i] = max(widths[i], width(r[i]))
			}
		}
	}
	line := func(cells []string) {
		var b strings.Builder
		b.WriteString("|")
		for i := range t.Header {
			c := ""
			if i < len(cells) {
				c = strings.ReplaceAll(cells[i], "|", "\\|")
			}
			b.WriteString(" " + c + strings.Repeat(" ", widths[i]-width(c)) + " |")
		}
		fmt.Fprintln(w, b.String())
	}
	line(t.Header)
	var sep strings.Builder
	sep.WriteString("|")
	for i := range t.Header {
		if i == 0 || t.Text {
			sep.WriteString(" " + strings.Repeat("-", widths[i]) + " |")
		} else {
			sep.WriteString(" " + strings.Repeat("-", widths[i]-1) + ": |")
		}
	}
	fmt.Fprintln(w, sep.String())
	for _, r := range t.Rows {
		line(r)
	}
	fmt.Fprintln(w)
}

func width(s string) int { return utf8.RuneCountInString(s) }

// The number formatters, shared with every other output (bench/format).
var (
	fmtCount = format.Count
	fmtUS    = format.US
	fmtBytes = format.Bytes
	fmtSize  = format.Size
	fmtInt   = format.Int
	trim     = format.Trim
)
