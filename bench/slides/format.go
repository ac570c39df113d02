package slides

import (
	"fmt"
	"math"
	"strings"
)

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

// fmtUS formats microseconds with a unit: 87 µs, 1.23 ms, 2.5 s.
func fmtUS(us float64) string {
	switch {
	case us == 0:
		return "0"
	case us >= 1e6:
		return trim(us/1e6, 3) + " s"
	case us >= 1e3:
		return trim(us/1e3, 3) + " ms"
	default:
		return trim(us, 3) + " µs"
	}
}

// fmtBytes formats a byte count in binary units: 812 B, 5.2 KiB.
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

// fmtSize is a payload size: 64 B, 1 KiB, 16 KiB.
func fmtSize(n int) string {
	if n >= 1024 && n%1024 == 0 {
		if n >= 1<<20 && n%(1<<20) == 0 {
			return fmt.Sprintf("%d MiB", n>>20)
		}
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

// who names the libraries of a tie: all of them when they are few.
func who(names []string) string {
	if len(names) <= 3 {
		return list(names)
	}
	return fmt.Sprintf("%d libraries", len(names))
}

// fmtInt writes n with thousands separators: 10,000.
func fmtInt(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && r != '-' && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// fmtRatio is a ratio with 3 significant digits: 2.8×.
func fmtRatio(r float64) string {
	if math.IsNaN(r) || math.IsInf(r, 0) || r <= 0 {
		return "–"
	}
	return trim(r, 3) + "×"
}

// trim formats v with sig significant digits, no trailing zeros.
func trim(v float64, sig int) string {
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

// list joins names as prose: "a", "a and b", "a, b and c".
func list(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
