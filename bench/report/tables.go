package report

import (
	"fmt"
	"strings"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/features"
	"github.com/wsbench/wsbench/bench/record"
)

// value is the text of one metric of one cell: the median, the min–max
// range when asked for, and the cell's status when it is not ok.
func value(c *record.Cell, key string, f func(float64) string, withRange bool) string {
	if c == nil {
		return "–"
	}
	if c.Status == record.StatusFailed {
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
func tags(c *record.Cell) string {
	var t []string
	for _, f := range c.Flags {
		if f == record.StatusClientBound || f == record.StatusNoisy {
			t = append(t, "*"+f+"*")
		}
	}
	if len(t) == 0 {
		return ""
	}
	return " " + strings.Join(t, " ")
}

// status is a cell's status for a status column.
func status(c *record.Cell) string {
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
func Tables(run *record.Run) []Table {
	v := newView(run)
	var ts []Table
	ts = append(ts, v.throughputTables()...)
	ts = append(ts, v.fairnessTables()...)
	ts = append(ts, v.latencyTables(config.EchoClosed)...)
	ts = append(ts, v.loadTables()...)
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
	ceil := v.ceiling()
	var ts []Table
	for _, n := range conns {
		t := Table{
			ID:    fmt.Sprintf("echo-throughput-%d", n),
			Title: fmt.Sprintf("Echo throughput, closed loop: messages/s, %s connections, %d in flight each (HTTP: 1)", fmtInt(n), spec.Window),
			Note: "Echoed messages received and verified per second (median, min–max over trials). " +
				"Higher is better. *client-bound*: the server did not saturate its CPUs, so the figure is a floor, not the library's limit." +
				v.ceilingNote(ceil) + tierNote(v, "per size, higher is better; rows follow the "+fmtSize(mainSize(sizes))+" column"),
			Header: []string{"library"},
		}
		cols := map[int]tiering{}
		for _, s := range sizes {
			t.Header = append(t.Header, "tier", fmtSize(s))
			cols[s] = tierCells(v.cellsOf(config.EchoClosed, s, n), record.MsgsPerSec, true)
		}
		for _, lib := range cols[mainSize(sizes)].order(v.libs) {
			row := []string{lib}
			for _, s := range sizes {
				c := v.cell(lib, config.EchoClosed, s, n)
				row = append(row, cols[s].label(lib), value(c, record.MsgsPerSec, fmtCount, true)+v.ofCeiling(c, ceil, record.MsgsPerSec, true))
			}
			t.Rows = append(t.Rows, row)
		}
		ts = append(ts, t)
	}
	return ts
}

// mainSize is the size whose column orders a multi-size table: 1 KiB when
// measured, else the middle one.
func mainSize(sizes []int) int {
	for _, s := range sizes {
		if s == 1024 {
			return s
		}
	}
	if len(sizes) == 0 {
		return 0
	}
	return sizes[len(sizes)/2]
}

// cellsOf maps each library to its main-matrix cell of sc at size and conns.
func (v *view) cellsOf(sc config.Scenario, size, conns int) map[string]*record.Cell {
	out := map[string]*record.Cell{}
	for _, lib := range v.libs {
		if c := v.cell(lib, sc, size, conns); c != nil {
			out[lib] = c
		}
	}
	return out
}

// fairnessTables show, next to closed-loop throughput, how evenly the
// connections were served.
func (v *view) fairnessTables() []Table {
	if !v.has(config.EchoClosed) {
		return nil
	}
	sizes, conns := v.axes(config.EchoClosed)
	var ts []Table
	for _, n := range conns {
		t := Table{
			ID:    fmt.Sprintf("echo-fairness-%d", n),
			Title: fmt.Sprintf("How evenly connections were served, closed loop, %s connections", fmtInt(n)),
			Note: "Jain's fairness index over connections of echoes received per second (1: every connection got the same share; 1/n: one got all), " +
				"then the slowest, median and fastest connection's msgs/s (median of trials). A low index means the server served a few connections " +
				"while the others waited: the total stays high but most clients see long delays.",
			Header: []string{"library"},
		}
		for _, s := range sizes {
			t.Header = append(t.Header, fmtSize(s)+" Jain", fmtSize(s)+" min / median / max")
		}
		any := false
		for _, lib := range v.libs {
			row := []string{lib}
			for _, s := range sizes {
				c := v.cell(lib, config.EchoClosed, s, n)
				row = append(row, plain(c, record.Jain, func(x float64) string { return trim(x, 3) }))
				txt := plain(c, record.ConnMin, fmtCount)
				if usable(c) {
					if _, ok := c.Median[record.Jain]; ok {
						any = true
					}
					txt += " / " + plain(c, record.ConnP50, fmtCount) + " / " + plain(c, record.ConnMax, fmtCount)
				}
				row = append(row, txt)
			}
			t.Rows = append(t.Rows, row)
		}
		if any {
			ts = append(ts, t)
		}
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
				t.Note = "Round trip from send to verified echo under maximum load (median of trials), with Jain's fairness index over connections. " +
					"This is not a ranking of libraries: at saturation every message waits behind the others in flight, so the latency measures the queue " +
					"the load generator keeps full and how the server's scheduler shares it between connections, not the library's speed; " +
					"compare latency in the open-loop tables, at the same offered load."
				t.Header = []string{"library", "p50", "p90", "p99", "p99.9", "max", "p99 min–max", "Jain"}
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
				for _, k := range []string{record.LatP50, record.LatP90, record.LatP99, record.LatP999, record.LatMax} {
					row = append(row, plain(c, k, fmtUS))
				}
				rng := "–"
				if usable(c) && c.Min[record.LatP99] != c.Max[record.LatP99] {
					rng = fmtUS(c.Min[record.LatP99]) + "–" + fmtUS(c.Max[record.LatP99])
				}
				row = append(row, rng)
				if sc == config.EchoOpen {
					row = append(row, plain(c, record.RateAchieved, fmtCount))
				} else {
					row = append(row, plain(c, record.Jain, func(x float64) string { return trim(x, 3) }))
				}
				t.Rows = append(t.Rows, append(row, status(c)))
			}
			ts = append(ts, t)
		}
	}
	return ts
}

// plain is a median without range or tags (tables with a status column).
func plain(c *record.Cell, key string, f func(float64) string) string {
	if c == nil {
		return "–"
	}
	if c.Status == record.StatusFailed {
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
			{"delivery", "per-delivery latency", "Publish to receipt at each subscriber, every delivery counted (median of trials): p50 / p99.", record.LatP50, record.LatP99},
			{"last", "time to the last subscriber", "Publish to receipt by the last subscriber of each message (median of trials): p50 / p99. This is what a user waits for the whole room to see a message.", record.LastP50, record.LastP99},
		} {
			t := Table{
				ID:     fmt.Sprintf("broadcast-%s-%d", which.id, s),
				Title:  fmt.Sprintf("Broadcast %s: %s messages, %s publishes/s", which.title, fmtSize(s), fmtCount(spec.Rate)),
				Note:   which.note + tierNote(v, "by p50 per subscriber count, lower is better"),
				Header: []string{"library"},
			}
			cols := map[int]tiering{}
			for _, n := range conns {
				t.Header = append(t.Header, "tier", fmtInt(n)+" subscribers")
				cols[n] = tierCells(v.cellsOf(config.Broadcast, s, n), which.p50, false)
			}
			for _, lib := range cols[conns[len(conns)-1]].order(v.libs) {
				row := []string{lib}
				for _, n := range conns {
					c := v.cell(lib, config.Broadcast, s, n)
					txt := plain(c, which.p50, fmtUS)
					if usable(c) {
						txt += " / " + plain(c, which.p99, fmtUS) + tags(c)
					}
					row = append(row, cols[n].label(lib), txt)
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
	ceil := v.ceiling()
	hs := Table{
		ID:     "handshakes",
		Title:  "Handshakes per second (connect scenario)",
		Note:   "Connections opened and upgraded per second while the connect scenario dialed its clients (median, min–max)." + tierNote(v, "higher is better"),
		Header: []string{"library"},
	}
	mem := Table{
		ID:    "memory",
		Title: "Server memory per idle connection",
		Note: "(RSS with every client connected and idle − RSS before the first client) ÷ connections, read from /proc of the server process (median, min–max). " +
			"The largest count is this machine's per-process open-file limit (20,000) less room for the process's own files." +
			v.ceilingNote(ceil) + tierNote(v, "lower is better"),
		Header: []string{"library"},
	}
	hsT, memT := map[int]tiering{}, map[int]tiering{}
	for _, n := range conns {
		hs.Header = append(hs.Header, "tier", fmtInt(n)+" conns")
		mem.Header = append(mem.Header, "tier", fmtInt(n)+" conns")
		cells := v.cellsOf(config.Connect, 0, n)
		hsT[n] = tierCells(cells, record.HandshakesPerSec, true)
		memT[n] = tierCells(cells, record.ServerRSSPerConn, false)
	}
	mem.Header = append(mem.Header, "RSS before clients")
	last := conns[len(conns)-1]
	for _, lib := range hsT[last].order(v.libs) {
		hrow := []string{lib}
		for _, n := range conns {
			c := v.cell(lib, config.Connect, 0, n)
			hrow = append(hrow, hsT[n].label(lib), value(c, record.HandshakesPerSec, fmtCount, true))
		}
		hs.Rows = append(hs.Rows, hrow)
	}
	for _, lib := range memT[last].order(v.libs) {
		mrow := []string{lib}
		var base *record.Cell
		for _, n := range conns {
			c := v.cell(lib, config.Connect, 0, n)
			mrow = append(mrow, memT[n].label(lib), value(c, record.ServerRSSPerConn, fmtBytes, true)+v.ofCeiling(c, ceil, record.ServerRSSPerConn, false))
			if usable(c) {
				base = c
			}
		}
		mrow = append(mrow, plain(base, record.ServerRSSBase, fmtBytes))
		mem.Rows = append(mem.Rows, mrow)
	}
	return []Table{hs, mem}
}

// echoColumns are the echo cells that get a column in per-message tables.
func (v *view) echoColumns() []cellKey {
	var cols []cellKey
	// Open-loop CPU per message has its own table along the load ladder.
	sizes, conns := v.axes(config.EchoClosed)
	for _, n := range conns {
		for _, s := range sizes {
			cols = append(cols, cellKey{sc: config.EchoClosed, size: s, conns: n})
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
	ceil := v.ceiling()
	tiers := map[cellKey]tiering{}
	for _, k := range v.echoColumns() {
		tiers[k] = tierCells(v.cellsOf(k.sc, k.size, k.conns), record.ServerCPUUSPerMsg, false)
	}
	return v.echoColumnTable("cpu", "Server CPU time per echoed message (µs), closed loop",
		"Server CPU seconds (user + system, from /proc) over the measured interval ÷ messages, at saturation. Lower is better. "+
			"Against offered load, see the open-loop CPU table."+v.ceilingNote(ceil)+tierNote(v, "per column, lower is better; shown before each figure"),
		func(c *record.Cell) string {
			if c == nil {
				return "–"
			}
			return tiers[cellKey{sc: c.Scenario, size: c.PayloadBytes, conns: c.Conns}].label(c.Lib) + " " +
				value(c, record.ServerCPUUSPerMsg, fmtCPU, true) + v.ofCeiling(c, ceil, record.ServerCPUUSPerMsg, false)
		})
}

func (v *view) wireTable() []Table {
	return v.echoColumnTable("wire", "Bytes on the wire per echoed message: client→server / server→client",
		"Bytes counted at the load generator's sockets ÷ messages, framing and (for HTTP) headers included; the payload is the column's size.",
		func(c *record.Cell) string {
			txt := plain(c, record.BytesTXPerMsg, fmtWire)
			if usable(c) {
				txt += " / " + plain(c, record.BytesRXPerMsg, fmtWire)
			}
			return txt
		})
}

// echoColumnTable is a library × echo column (scenario, size, connections)
// table whose cells are text(cell).
func (v *view) echoColumnTable(id, title, note string, text func(*record.Cell) string) []Table {
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
		if c.Status != record.StatusOK || c.Reason != "" {
			t.Rows = append(t.Rows, []string{c.ID, status(&c), c.Reason})
		}
	}
	return t, len(t.Rows) > 0
}
