package report

import (
	"fmt"
	"io"
	"math"
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

// fmtCount formats a count or rate: 950, 52.1k, 1.23M.
func fmtCount(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1e9:
		return trim(v/1e9, 3) + "G"
	case a >= 1e6:
		return trim(v/1e6, 3) + "M"
	case a >= 1e4:
		return trim(v/1e3, 3) + "k"
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	default:
		return trim(v, 3)
	}
}

// fmtUS formats microseconds with a unit: 87 µs, 1.23 ms, 2.50 s.
func fmtUS(us float64) string {
	switch {
	case us >= 1e6:
		return trim(us/1e6, 3) + " s"
	case us >= 1e3:
		return trim(us/1e3, 3) + " ms"
	default:
		return trim(us, 3) + " µs"
	}
}

// fmtBytes formats a byte count in binary units: 812 B, 5.2 KiB, 1.5 MiB.
func fmtBytes(b float64) string {
	a := math.Abs(b)
	switch {
	case a >= 1<<30:
		return trim(b/(1<<30), 3) + " GiB"
	case a >= 1<<20:
		return trim(b/(1<<20), 3) + " MiB"
	case a >= 1<<10:
		return trim(b/(1<<10), 3) + " KiB"
	default:
		return trim(b, 3) + " B"
	}
}

// fmtSize is a payload size for headers: 128 B, 1 KiB, 16 KiB.
func fmtSize(n int) string {
	if n >= 1024 && n%1024 == 0 {
		if n >= 1<<20 && n%(1<<20) == 0 {
			return fmt.Sprintf("%d MiB", n>>20)
		}
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

// fmtInt writes n with thousands separators: 10,000.
func fmtInt(n int) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// trim formats v with sig significant digits, no trailing zeros.
func trim(v float64, sig int) string {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Sprint(v)
	}
	digits := sig - 1 - int(math.Floor(math.Log10(math.Abs(v))))
	if digits < 0 {
		digits = 0
	}
	s := fmt.Sprintf("%.*f", digits, v)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}
