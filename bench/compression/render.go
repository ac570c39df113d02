package compression

import (
	"fmt"
	"io"
	"strings"

	"github.com/wsbench/wsbench/bench/format"
)

// Section is the report's heading for the analysis.
const Section = "What compression costs"

// Markdown writes the section "What compression costs": the finding's
// title, the table per library, variant and workload, memory per idle
// connection, and the libraries without the extension. It writes nothing
// for a run without compression cells.
func (a *Analysis) Markdown(w io.Writer) {
	if a.Empty() {
		return
	}
	fmt.Fprintf(w, "## %s\n\n", Section)
	if f := a.Finding(); f != nil {
		fmt.Fprintf(w, "**%s.**\n\n", f.Title)
		for _, n := range f.Notes {
			fmt.Fprintf(w, "- %s\n", n)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "permessage-deflate (RFC 7692) per library, in each variant it supports and off, configured through its own options; "+
		"the load generator offers the extension as a browser does and verifies every message. "+
		"Wire bytes are per payload byte (100%% = no saving): up is client to server, down server to client, both in the fixed-rate echo; "+
		"broadcast is per delivery. Server CPU per message and latency are the fixed-rate echo's, with their ratio to the same library off "+
		"on the same workload. Medians of the trials; \"failed\" cells give no number. "+
		"SockJS carries text only: its random workload is random letters and digits, which deflate still shrinks by a quarter.\n\n")
	throughput := false
	for _, r := range a.Rows {
		throughput = throughput || r.Throughput > 0
	}
	head := []string{"library", "variant", "workload", "wire up", "wire down", "broadcast down", "server CPU/msg", "CPU vs off", "p50", "p99", "p50 / p99 vs off"}
	if throughput {
		head = append(head, "throughput", "vs off")
	}
	var rows [][]string
	for _, r := range a.Rows {
		cells := []string{r.Lib, r.Variant, r.Workload.Name(), pct(r.Up), pct(r.Down), pct(r.Broadcast),
			us(r.CPU), ratio1(r), us(r.P50), us(r.P99), latRatio(r)}
		if throughput {
			cells = append(cells, count(r.Throughput), format.Ratio(r.ThroughputRatio))
		}
		if len(r.Failed) > 0 {
			var s []string
			for _, sc := range r.Failed {
				s = append(s, string(sc))
			}
			cells[2] += " (" + strings.Join(s, ", ") + " failed)"
		}
		rows = append(rows, cells)
	}
	table(w, head, rows)
	if !throughput {
		fmt.Fprintf(w, "Throughput at saturation: not measured in this run (no closed-loop compression cell).\n\n")
	}
	if len(a.Memory) > 0 {
		fmt.Fprintf(w, "Server memory per idle connection, each connection having echoed one message with the extension negotiated (context takeover keeps a window, and in some libraries a compressor, per connection):\n\n")
		var mrows [][]string
		for _, m := range a.Memory {
			v := format.Bytes(m.PerConn)
			if m.Failed {
				v = "failed"
			} else if m.PerConn <= 0 {
				v = "–"
			}
			mrows = append(mrows, []string{m.Lib, m.Variant, v, format.Ratio(m.Ratio)})
		}
		table(w, []string{"library", "variant", "memory per connection", "vs off"}, mrows)
	}
	if len(a.Unsupported) > 0 {
		fmt.Fprintf(w, "Without permessage-deflate (nothing is emulated on their behalf):\n\n")
		for _, u := range a.Unsupported {
			fmt.Fprintf(w, "- %s: %s\n", u.Lib, u.Note)
		}
		fmt.Fprintln(w)
	}
}

// SlideTable is the deck's table: per library and variant, wire bytes down
// on each workload, server CPU against off (median over workloads) and
// memory per idle connection against off.
func (a *Analysis) SlideTable() (header []string, rows [][]string) {
	header = []string{"library"}
	for _, w := range a.Workloads {
		header = append(header, w.Name())
	}
	header = append(header, "CPU vs off", "memory vs off")
	type key struct{ lib, variant string }
	var order []key
	byKey := map[key][]Row{}
	for _, r := range a.Rows {
		if !r.On() {
			continue
		}
		k := key{r.Lib, r.Variant}
		if byKey[k] == nil {
			order = append(order, k)
		}
		byKey[k] = append(byKey[k], r)
	}
	for _, k := range order {
		line := []string{entry(k.lib, k.variant)}
		for _, w := range a.Workloads {
			v := "–"
			for _, r := range byKey[k] {
				if r.Workload == w && r.Down > 0 {
					v = format.Percent(r.Down)
				}
			}
			line = append(line, v)
		}
		cpu := "–"
		if vs := values(byKey[k], func(r Row) float64 { return r.CPURatio }); len(vs) > 0 {
			cpu = format.Ratio(median(vs))
		}
		mem := "–"
		for _, m := range a.Memory {
			if m.Lib == k.lib && m.Variant == k.variant {
				mem = format.Ratio(m.Ratio)
			}
		}
		rows = append(rows, append(line, cpu, mem))
	}
	return header, rows
}

func pct(x float64) string {
	if x <= 0 {
		return "–"
	}
	return format.Percent(x)
}

func us(x float64) string {
	if x <= 0 {
		return "–"
	}
	return format.US(x)
}

func count(x float64) string {
	if x <= 0 {
		return "–"
	}
	return format.Count(x)
}

func ratio1(r Row) string {
	if !r.On() {
		return "off"
	}
	return format.Ratio(r.CPURatio)
}

func latRatio(r Row) string {
	if !r.On() {
		return "off"
	}
	return format.Ratio(r.P50Ratio) + " / " + format.Ratio(r.P99Ratio)
}

// table writes a Markdown table.
func table(w io.Writer, head []string, rows [][]string) {
	fmt.Fprintf(w, "| %s |\n", strings.Join(head, " | "))
	sep := make([]string, len(head))
	for i := range sep {
		sep[i] = "---"
	}
	fmt.Fprintf(w, "| %s |\n", strings.Join(sep, " | "))
	for _, r := range rows {
		fmt.Fprintf(w, "| %s |\n", strings.Join(r, " | "))
	}
	fmt.Fprintln(w)
}

func itoa(n int) string { return fmt.Sprint(n) }
