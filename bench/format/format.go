// Package format writes the numbers of a run the same way in every output:
// REPORT.md, REPORT.html, the deck, findings.json titles and the terminal.
// A figure that appears in two outputs is formatted by the same function,
// so it reads the same in both.
package format

import (
	"fmt"
	"math"
	"strings"
)

// Count formats a count or rate: 950, 52.1k, 1.23M.
func Count(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1e9:
		return Trim(v/1e9, 3) + "G"
	case a >= 1e6:
		return Trim(v/1e6, 3) + "M"
	case a >= 1e4:
		return Trim(v/1e3, 3) + "k"
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	default:
		return Trim(v, 3)
	}
}

// US formats microseconds with a unit: 87 µs, 1.23 ms, 2.5 s.
func US(us float64) string {
	switch {
	case us == 0:
		return "0"
	case math.Abs(us) >= 1e6:
		return Trim(us/1e6, 3) + " s"
	case math.Abs(us) >= 1e3:
		return Trim(us/1e3, 3) + " ms"
	default:
		return Trim(us, 3) + " µs"
	}
}

// Bytes formats a byte count in binary units: 812 B, 5.2 KiB, 1.5 MiB.
func Bytes(b float64) string {
	a := math.Abs(b)
	switch {
	case a >= 1<<30:
		return Trim(b/(1<<30), 3) + " GiB"
	case a >= 1<<20:
		return Trim(b/(1<<20), 3) + " MiB"
	case a >= 1<<10:
		return Trim(b/(1<<10), 3) + " KiB"
	default:
		return Trim(b, 3) + " B"
	}
}

// Size is a payload size: 64 B, 1 KiB, 16 KiB.
func Size(n int) string {
	if n >= 1024 && n%1024 == 0 {
		if n >= 1<<20 && n%(1<<20) == 0 {
			return fmt.Sprintf("%d MiB", n>>20)
		}
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

// Int writes n with thousands separators: 10,000.
func Int(n int) string {
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

// Ratio is a ratio with 3 significant digits: 2.8×; "–" when undefined.
func Ratio(r float64) string {
	if math.IsNaN(r) || math.IsInf(r, 0) || r <= 0 {
		return "–"
	}
	return Trim(r, 3) + "×"
}

// Percent is a fraction as a percentage with 3 significant digits: 12.5%.
func Percent(x float64) string { return Trim(x*100, 3) + "%" }

// Trim formats v with sig significant digits, no trailing zeros.
func Trim(v float64, sig int) string {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Sprint(v)
	}
	digits := max(sig-1-int(math.Floor(math.Log10(math.Abs(v)))), 0)
	s := fmt.Sprintf("%.*f", digits, v)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// List joins names as prose: "a", "a and b", "a, b and c".
func List(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
