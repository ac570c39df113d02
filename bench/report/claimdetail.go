package report

import (
	"slices"
	"sort"
	"strings"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/record"
)

// claimDetailTables show every figure behind the ratios.
func (v *view) claimDetailTables(cl *Claim) []Table {
	var ts []Table
	refName := func(lib string) string {
		if lib == cl.Fastest && len(cl.Refs) > 1 {
			return lib + " (fastest)"
		}
		return lib
	}
	// Request/response: per size and connection count, the WebSocket
	// references and every HTTP echo row, closed loop with one message in
	// flight and open loop at each common offered rate.
	type point struct{ size, conns int }
	var points []point
	var httpRows []string
	var rates []float64
	for i := range v.run.Cells {
		c := &v.run.Cells[i]
		if c.Scenario != config.EchoClosed && c.Scenario != config.EchoOpen || c.Deflate != "" {
			continue // compression cells have their own section
		}
		if c.Scenario == config.EchoOpen && c.Load == 0 && !slices.Contains(rates, c.Rate) {
			rates = append(rates, c.Rate)
		}
		if !slices.Contains(points, point{c.PayloadBytes, c.Conns}) {
			points = append(points, point{c.PayloadBytes, c.Conns})
		}
		if isOther(c) && !slices.Contains(httpRows, c.Row()) {
			httpRows = append(httpRows, c.Row())
		}
	}
	sort.Float64s(rates)
	echo := Table{
		ID:    "claim-echo-detail",
		Title: "Request/response in detail",
		Note: "Medians of the trials. Closed loop: as fast as the server answers, with 1 message in flight per connection on both sides " +
			"(WebSocket: the library's one-in-flight cells; HTTP/1.1 clients do not pipeline). Bytes: client→server / server→client per message. " +
			"Open loop: latency from the intended send time, and server CPU per message, at the same offered rate for both sides.",
		Header: []string{"size", "conns", "row", "msgs/s, 1 in flight", "bytes/msg", "server CPU µs/msg"},
		Text:   true,
	}
	for _, r := range rates {
		at := fmtCount(r) + "/s"
		echo.Header = append(echo.Header, "p50 / p99 at "+at, "CPU µs/msg at "+at)
	}
	echo.Header = append(echo.Header, "status")
	sort.Slice(points, func(i, j int) bool {
		if points[i].conns != points[j].conns {
			return points[i].conns < points[j].conns
		}
		return points[i].size < points[j].size
	})
	for _, p := range points {
		rows := append(slices.Clone(cl.Refs), httpRows...)
		for _, row := range rows {
			closed := v.cells[cellKey{row, config.EchoClosed, p.size, p.conns, ""}]
			name := refName(row)
			if slices.Contains(cl.Refs, row) {
				closed = v.cells[cellKey{config.RowName(row, config.VariantWSOneInFlight, true, 0), config.EchoClosed, p.size, p.conns, ""}]
			}
			opens := make([]*record.Cell, len(rates))
			any := closed != nil
			for i, r := range rates {
				opens[i] = v.openCell(row, p.size, p.conns, config.LoadLabel(0, r))
				any = any || opens[i] != nil
			}
			if !any {
				continue
			}
			if c := firstNonNil(append([]*record.Cell{closed}, opens...)...); isOther(c) {
				name = sideName(c) + " (" + row + ")"
			}
			wire := plain(closed, record.BytesTXPerMsg, fmtWire)
			if usable(closed) {
				wire += " / " + plain(closed, record.BytesRXPerMsg, fmtWire)
			}
			line := []string{fmtSize(p.size), fmtInt(p.conns), name,
				value(closed, record.MsgsPerSec, fmtCount, false), wire, plain(closed, record.ServerCPUUSPerMsg, fmtCPU)}
			stats := []string{status(closed)}
			for _, o := range opens {
				line = append(line, pair(o, record.LatP50, record.LatP99), plain(o, record.ServerCPUUSPerMsg, fmtCPU))
				if o != nil {
					stats = append(stats, status(o))
				}
			}
			echo.Rows = append(echo.Rows, append(line, strings.Join(stats, " / ")))
		}
	}
	if len(echo.Rows) > 0 {
		ts = append(ts, echo)
	}

	push := Table{
		ID:    "claim-push-detail",
		Title: "Server push in detail",
		Note: "Medians of the trials. Latency is publish (intended) to receipt, per delivery and to the last subscriber. " +
			"Requests, bytes and server CPU are per delivered message; empty polls are the share of requests that carried no message; " +
			"lost is the sum over all trials (any loss fails the cell).",
		Header: []string{"size", "subscribers", "row", "p50 / p99", "last p50 / p99", "requests/msg", "bytes/msg", "empty polls", "server CPU µs/msg", "lost", "status"},
		Text:   true,
	}
	var bpoints []point
	var others []*record.Cell
	var sockjsWS []string
	for i := range v.run.Cells {
		c := &v.run.Cells[i]
		if c.Scenario != config.Broadcast || c.Deflate != "" {
			continue // compression cells have their own section
		}
		if !slices.Contains(bpoints, point{c.PayloadBytes, c.Conns}) {
			bpoints = append(bpoints, point{c.PayloadBytes, c.Conns})
		}
		switch {
		case isOther(c):
			others = append(others, c)
		case c.VariantOrDefault() == config.VariantSockJSWebSocket && !slices.Contains(sockjsWS, c.Row()):
			sockjsWS = append(sockjsWS, c.Row())
		}
	}
	slices.SortStableFunc(others, variantOrder)
	var otherRows []string
	for _, c := range others {
		if !slices.Contains(otherRows, c.Row()) {
			otherRows = append(otherRows, c.Row())
		}
	}
	sort.Slice(bpoints, func(i, j int) bool {
		if bpoints[i].size != bpoints[j].size {
			return bpoints[i].size < bpoints[j].size
		}
		return bpoints[i].conns < bpoints[j].conns
	})
	for _, p := range bpoints {
		rows := append(append(slices.Clone(cl.Refs), sockjsWS...), otherRows...)
		for _, row := range rows {
			c := v.cells[cellKey{row, config.Broadcast, p.size, p.conns, ""}]
			if c == nil {
				continue
			}
			name := refName(row)
			switch {
			case isOther(c):
				name = sideName(c) + " (" + row + ")"
			case c.VariantOrDefault() == config.VariantSockJSWebSocket:
				name = row + " (websocket transport)"
			}
			push.Rows = append(push.Rows, []string{fmtSize(p.size), fmtInt(p.conns), name,
				pair(c, record.LatP50, record.LatP99), pair(c, record.LastP50, record.LastP99),
				plain(c, record.RequestsPerMsg, func(x float64) string { return trim(x, 3) }),
				plain(c, record.BytesPerMsg, fmtWire),
				plain(c, record.EmptyPollShare, fmtPercent),
				plain(c, record.ServerCPUUSPerMsg, fmtCPU), lost(c), status(c)})
		}
	}
	if len(push.Rows) > 0 {
		ts = append(ts, push)
	}
	return ts
}

func firstNonNil(cs ...*record.Cell) *record.Cell {
	for _, c := range cs {
		if c != nil {
			return c
		}
	}
	return nil
}

// pair is "p50 / p99" of a cell.
func pair(c *record.Cell, k1, k2 string) string {
	a := plain(c, k1, fmtUS)
	if !usable(c) {
		return a
	}
	return a + " / " + plain(c, k2, fmtUS)
}

func fmtPercent(x float64) string { return trim(x*100, 3) + "%" }

// lost sums the lost messages over c's trials.
func lost(c *record.Cell) string {
	n := int64(0)
	any := false
	for _, t := range c.Trials {
		if t.Result != nil {
			n += t.Result.Lost
			any = true
		}
	}
	if !any {
		return "–"
	}
	return fmtInt(int(n))
}
