package report

import (
	"fmt"
	"strings"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/features"
	"github.com/wsbench/wsbench/bench/results"
)

// value is the text of one metric of one cell: the median, the min–max
// range when asked for, and the cell's status when it is not ok.
func value(c *results.Cell, key string, f func(float64) string, withRange bool) string {
	if c == nil {
		return "–"
	}
	if c.Status == results.StatusFailed {
		return "failed"
	}
	med, ok := c.Median[key]
	if !ok {
		return "n/a"
	}
	s := f(med)
	if withRange && len(c.Trials) > 1 {
		lo, hi := f(c.Min[key]), f(c.Max[key])
		if lo != hi {
			s += " (" + lo + "–" + hi + ")"
		}
	}
	return s + tags(c)
}

// tags marks a cell whose numbers need care.
func tags(c *results.Cell) string {
	var t []string
	for _, f := range c.Flags {
		if f == results.StatusClientBound || f == results.StatusNoisy {
			t = append(t, "*"+f+"*")
		}
	}
	if len(t) == 0 {
		return ""
	}
	return " " + strings.Join(t, " ")
}

// status is a cell's status for a status column.
func status(c *results.Cell) string {
	if c == nil {
		return "–"
	}
	if len(c.Flags) > 0 {
		return strings.Join(c.Flags, ", ")
	}
	return c.Status
}

func fmtMicros(v float64) string { return trim(v, 3) + " µs" }

func fmtCPU(v float64) string { return trim(v, 3) }

// Tables builds every table of the report, in report order.
func Tables(run *results.Run) []Table {
	v := newView(run)
	var ts []Table
	ts = append(ts, v.throughputTables()...)
	ts = append(ts, v.latencyTables(config.EchoClosed)...)
	ts = append(ts, v.latencyTables(config.EchoOpen)...)
	ts = append(ts, v.broadcastTables()...)
	ts = append(ts, v.connectTables()...)
	ts = append(ts, v.cpuTable()...)
	ts = append(ts, v.wireTable()...)
	ts = append(ts, v.featureTable(), v.versionTable())
	if t, ok := v.problemTable(); ok {
		ts = append(ts, t)
	}
	return ts
}

func (v *view) throughputTables() []Table {
	if !v.has(config.EchoClosed) {
		return nil
	}
	sizes, conns := v.axes(config.EchoClosed)
	spec := v.spec(config.EchoClosed)
	var ts []Table
	for _, n := range conns {
		t := Table{
			ID:    fmt.Sprintf("echo-throughput-%d", n),
			Title: fmt.Sprintf("Echo throughput, closed loop: messages/s, %s connections, %d in flight each (HTTP: 1)", fmtInt(n), spec.Window),
			Note: "Echoed messages received and verified per second (median, min–max over trials). " +
				"Higher is better. *client-bound*: the server did not saturate its CPUs, so the figure is a floor, not the library's limit.",
			Header: []string{"library"},
		}
		for _, s := range sizes {
			t.Header = append(t.Header, fmtSize(s))
		}
		for _, lib := range v.libs {
			row := []string{lib}
			for _, s := range sizes {
				row = append(row, value(v.cell(lib, config.EchoClosed, s, n), results.MsgsPerSec, fmtCount, true))
			}
			t.Rows = append(t.Rows, row)
		}
		ts = append(ts, t)
	}
	return ts
}

func (v *view) latencyTables(sc config.Scenario) []Table {
	if !v.has(sc) {
		return nil
	}
	sizes, conns := v.axes(sc)
	spec := v.spec(sc)
	var ts []Table
	for _, n := range conns {
		for _, s := range sizes {
			t := Table{
				ID:     fmt.Sprintf("%s-latency-%d-%d", sc, s, n),
				Header: []string{"library", "p50", "p90", "p99", "p99.9", "max", "p99 min–max"},
			}
			if sc == config.EchoClosed {
				t.Title = fmt.Sprintf("Echo round-trip latency, closed loop: %s, %s connections, %d in flight each (HTTP: 1)", fmtSize(s), fmtInt(n), spec.Window)
				t.Note = "Round trip from send to verified echo under maximum load (median of trials). Closed-loop latency is not corrected for coordinated omission: compare libraries with the open-loop table."
			} else {
				t.Title = fmt.Sprintf("Echo round-trip latency, open loop at %s msgs/s offered: %s, %s connections", fmtCount(spec.Rate), fmtSize(s), fmtInt(n))
				t.Note = "Latency from each message's intended send time (corrected for coordinated omission), median of trials. " +
					"A library that cannot keep up shows it in *achieved/s* and in the tail."
				t.Header = append(t.Header, "achieved/s")
			}
			t.Header = append(t.Header, "status")
			for _, lib := range v.libs {
				c := v.cell(lib, sc, s, n)
				row := []string{lib}
				for _, k := range []string{results.LatP50, results.LatP90, results.LatP99, results.LatP999, results.LatMax} {
					row = append(row, plain(c, k, fmtUS))
				}
				rng := "–"
				if usable(c) && c.Min[results.LatP99] != c.Max[results.LatP99] {
					rng = fmtUS(c.Min[results.LatP99]) + "–" + fmtUS(c.Max[results.LatP99])
				}
				row = append(row, rng)
				if sc == config.EchoOpen {
					row = append(row, plain(c, results.RateAchieved, fmtCount))
				}
				t.Rows = append(t.Rows, append(row, status(c)))
			}
			ts = append(ts, t)
		}
	}
	return ts
}

// plain is a median without range or tags (tables with a status column).
func plain(c *results.Cell, key string, f func(float64) string) string {
	if c == nil {
		return "–"
	}
	if c.Status == results.StatusFailed {
		return "failed"
	}
	med, ok := c.Median[key]
	if !ok {
		return "n/a"
	}
	return f(med)
}

func (v *view) broadcastTables() []Table {
	if !v.has(config.Broadcast) {
		return nil
	}
	sizes, conns := v.axes(config.Broadcast)
	spec := v.spec(config.Broadcast)
	var ts []Table
	for _, s := range sizes {
		for _, which := range []struct {
			id, title, note string
			p50, p99        string
		}{
			{"delivery", "per-delivery latency", "Publish to receipt at each subscriber, every delivery counted (median of trials): p50 / p99.", results.LatP50, results.LatP99},
			{"last", "time to the last subscriber", "Publish to receipt by the last subscriber of each message (median of trials): p50 / p99. This is what a user waits for the whole room to see a message.", results.LastP50, results.LastP99},
		} {
			t := Table{
				ID:     fmt.Sprintf("broadcast-%s-%d", which.id, s),
				Title:  fmt.Sprintf("Broadcast %s: %s messages, %s publishes/s", which.title, fmtSize(s), fmtCount(spec.Rate)),
				Note:   which.note,
				Header: []string{"library"},
			}
			for _, n := range conns {
				t.Header = append(t.Header, fmtInt(n)+" subscribers")
			}
			for _, lib := range v.libs {
				row := []string{lib}
				for _, n := range conns {
					c := v.cell(lib, config.Broadcast, s, n)
					txt := plain(c, which.p50, fmtUS)
					if usable(c) {
						txt += " / " + plain(c, which.p99, fmtUS) + tags(c)
					}
					row = append(row, txt)
				}
				t.Rows = append(t.Rows, row)
			}
			ts = append(ts, t)
		}
	}
	return ts
}

func (v *view) connectTables() []Table {
	if !v.has(config.Connect) {
		return nil
	}
	_, conns := v.axes(config.Connect)
	hs := Table{
		ID:     "handshakes",
		Title:  "Handshakes per second (connect scenario)",
		Note:   "Connections opened and upgraded per second while the connect scenario dialed its clients (median, min–max).",
		Header: []string{"library"},
	}
	mem := Table{
		ID:     "memory",
		Title:  "Server memory per idle connection",
		Note:   "(RSS with every client connected and idle − RSS before the first client) ÷ connections, read from /proc of the server process (median, min–max).",
		Header: []string{"library"},
	}
	for _, n := range conns {
		hs.Header = append(hs.Header, fmtInt(n)+" conns")
		mem.Header = append(mem.Header, fmtInt(n)+" conns")
	}
	mem.Header = append(mem.Header, "RSS before clients")
	for _, lib := range v.libs {
		hrow, mrow := []string{lib}, []string{lib}
		var base *results.Cell
		for _, n := range conns {
			c := v.cell(lib, config.Connect, 0, n)
			hrow = append(hrow, value(c, results.HandshakesPerSec, fmtCount, true))
			mrow = append(mrow, value(c, results.ServerRSSPerConn, fmtBytes, true))
			if usable(c) {
				base = c
			}
		}
		mrow = append(mrow, plain(base, results.ServerRSSBase, fmtBytes))
		hs.Rows = append(hs.Rows, hrow)
		mem.Rows = append(mem.Rows, mrow)
	}
	return []Table{hs, mem}
}

// echoColumns are the echo cells that get a column in per-message tables.
func (v *view) echoColumns() []cellKey {
	var cols []cellKey
	for _, sc := range []config.Scenario{config.EchoClosed, config.EchoOpen} {
		sizes, conns := v.axes(sc)
		for _, n := range conns {
			for _, s := range sizes {
				cols = append(cols, cellKey{sc: sc, size: s, conns: n})
			}
		}
	}
	return cols
}

func colName(k cellKey, multiConns bool) string {
	mode := strings.TrimPrefix(string(k.sc), "echo-")
	s := mode + " " + fmtSize(k.size)
	if multiConns {
		s += " ×" + fmtInt(k.conns)
	}
	return s
}

func (v *view) multiConns(cols []cellKey) bool {
	for _, c := range cols {
		if c.conns != cols[0].conns {
			return true
		}
	}
	return false
}

func (v *view) cpuTable() []Table {
	return v.echoColumnTable("cpu", "Server CPU time per echoed message (µs)",
		"Server CPU seconds (user + system, from /proc) over the measured interval ÷ messages. Lower is better; it is the cost a server pays whatever the load.",
		func(c *results.Cell) string { return value(c, results.ServerCPUUSPerMsg, fmtCPU, true) })
}

func (v *view) wireTable() []Table {
	return v.echoColumnTable("wire", "Bytes on the wire per echoed message: client→server / server→client",
		"Bytes counted at the load generator's sockets ÷ messages, framing and (for HTTP) headers included; the payload is the column's size.",
		func(c *results.Cell) string {
			txt := plain(c, results.BytesTXPerMsg, fmtWire)
			if usable(c) {
				txt += " / " + plain(c, results.BytesRXPerMsg, fmtWire)
			}
			return txt
		})
}

// echoColumnTable is a library × echo column (scenario, size, connections)
// table whose cells are text(cell).
func (v *view) echoColumnTable(id, title, note string, text func(*results.Cell) string) []Table {
	cols := v.echoColumns()
	if len(cols) == 0 {
		return nil
	}
	t := Table{ID: id, Title: title, Note: note, Header: []string{"library"}}
	multi := v.multiConns(cols)
	for _, k := range cols {
		t.Header = append(t.Header, colName(k, multi))
	}
	for _, lib := range v.libs {
		row := []string{lib}
		for _, k := range cols {
			row = append(row, text(v.cell(lib, k.sc, k.size, k.conns)))
		}
		t.Rows = append(t.Rows, row)
	}
	return []Table{t}
}

func fmtWire(b float64) string { return fmt.Sprintf("%.0f", b) }

func (v *view) featureTable() Table {
	t := Table{
		ID:     "features",
		Title:  "Library features",
		Note:   "From each library's source and documentation at the version tested (static data in bench/features).",
		Header: append([]string{"library"}, features.Columns...),
		Text:   true,
	}
	for _, lib := range v.libs {
		f, ok := features.Table[lib]
		row := []string{lib}
		if ok {
			row = append(row, f.Row()...)
		} else {
			for range features.Columns {
				row = append(row, "?")
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func (v *view) versionTable() Table {
	t := Table{
		ID:     "versions",
		Title:  "Versions tested",
		Header: []string{"library", "module", "version", "protocol"},
		Text:   true,
	}
	for _, lib := range v.libs {
		l := v.run.Environment.Libraries[lib]
		mod := l.Module
		if mod == "" {
			mod = "net/http (standard library)"
		}
		t.Rows = append(t.Rows, []string{lib, mod, l.Version, l.Proto})
	}
	return t
}

func (v *view) problemTable() (Table, bool) {
	t := Table{
		ID:     "problems",
		Title:  "Cells that need care",
		Note:   "Every cell whose status is not ok or that carries a note, with the reason. Failed cells give no number anywhere in this report.",
		Header: []string{"cell", "status", "reason"},
		Text:   true,
	}
	for _, c := range v.run.Cells {
		if c.Status != results.StatusOK || c.Reason != "" {
			t.Rows = append(t.Rows, []string{c.ID, status(&c), c.Reason})
		}
	}
	return t, len(t.Rows) > 0
}
