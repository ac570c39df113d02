package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/wsbench/wsbench/bench/record"
)

// CSV writes one row per cell: its coordinates (variant included), status, trial counts, and
// median, min and max of every metric (empty where a cell has none).
func CSV(w io.Writer, run *record.Run) error {
	cw := csv.NewWriter(w)
	head := []string{"id", "lib", "proto", "variant", "extra", "scenario", "mode", "payload_bytes", "conns", "window", "rate",
		"publishers", "poll_interval_ms", "status", "flags", "reason", "trials", "trials_ok"}
	for _, m := range record.Metrics {
		head = append(head, m.Key, m.Key+"_min", m.Key+"_max")
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, c := range run.Cells {
		ok := 0
		for _, t := range c.Trials {
			if record.TrialProblem(c.Scenario, t) == "" {
				ok++
			}
		}
		row := []string{c.ID, c.Lib, c.Proto, string(c.VariantOrDefault()), strconv.FormatBool(c.Extra), string(c.Scenario),
			c.Mode, strconv.Itoa(c.PayloadBytes), strconv.Itoa(c.Conns), strconv.Itoa(c.Window), num(c.Rate),
			strconv.Itoa(c.Publishers), num(float64(c.PollInterval.Microseconds()) / 1000), c.Status, strings.Join(c.Flags, " "), c.Reason, strconv.Itoa(len(c.Trials)), strconv.Itoa(ok)}
		for _, m := range record.Metrics {
			for _, src := range []map[string]float64{c.Median, c.Min, c.Max} {
				if v, ok := src[m.Key]; ok {
					row = append(row, num(v))
				} else {
					row = append(row, "")
				}
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }
