package format

import (
	"math"
	"testing"
)

func TestFormatters(t *testing.T) {
	cases := []struct{ got, want string }{
		{Count(950), "950"}, {Count(52_149), "52.1k"}, {Count(1_234_567), "1.23M"}, {Count(12.345), "12.3"},
		{US(87), "87 µs"}, {US(1234), "1.23 ms"}, {US(2_500_000), "2.5 s"}, {US(0), "0"},
		{Bytes(812), "812 B"}, {Bytes(5325), "5.2 KiB"}, {Bytes(3 << 20), "3 MiB"},
		{Size(64), "64 B"}, {Size(1024), "1 KiB"}, {Size(16384), "16 KiB"}, {Size(1 << 20), "1 MiB"},
		{Int(10000), "10,000"}, {Int(-1234567), "-1,234,567"}, {Int(12), "12"},
		{Ratio(2.1234), "2.12×"}, {Ratio(math.NaN()), "–"}, {Ratio(0), "–"},
		{Percent(0.125), "12.5%"},
		{Trim(0.000123456, 3), "0.000123"}, {Trim(100, 3), "100"},
		{List(nil), ""}, {List([]string{"a"}), "a"}, {List([]string{"a", "b", "c"}), "a, b and c"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %q, want %q", i, c.got, c.want)
		}
	}
}
