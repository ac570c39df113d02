package report

import (
	"slices"
	"sort"
	"strconv"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/results"
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
	// references and every HTTP echo row.
	echo := Table{
		ID:    "claim-echo-detail",
		Title: "Request/response in detail",
		Note: "Medians of the trials. Closed loop: as fast as the server answers, with " + strconv.Itoa(v.wsWindow()) +
			" messages in flight per WebSocket connection and 1 request per HTTP/1.1 connection (clients do not pipeline): " +
			"at saturation its latency measures queue depth, so it is not turned into ratios above. " +
			"Open loop: latency from the intended send time at the offered rate. Bytes: client→server / server→client per message.",
		Header: []string{"size", "conns", "row", "msgs/s", "closed p50 / p99", "open p50 / p99", "bytes/msg", "server CPU µs/msg", "status closed / open"},
		Text:   true,
	}
	type point struct{ size, conns int }
	var points []point
	var httpRows []string
	for _, c := range v.run.Cells {
		if c.Scenario != config.EchoClosed && c.Scenario != config.EchoOpen {
			continue
		}
		if !slices.Contains(points, point{c.PayloadBytes, c.Conns}) {
			points = append(points, point{c.PayloadBytes, c.Conns})
		}
		if isOther(&c) && !slices.Contains(httpRows, c.Row()) {
			httpRows = append(httpRows, c.Row())
		}
	}
	sort.Slice(points, func(i, j int) bool {
		if points[i].conns != points[j].conns {
			return points[i].conns < points[j].conns
		}
		return points[i].size < points[j].size
	})
	for _, p := range points {
		rows := append(slices.Clone(cl.Refs), httpRows...)
		for _, row := range rows {
			closed := v.cells[cellKey{row, config.EchoClosed, p.size, p.conns}]
			open := v.cells[cellKey{row, config.EchoOpen, p.size, p.conns}]
			if closed == nil && open == nil {
				continue
			}
			name := refName(row)
			if c := firstNonNil(closed, open); isOther(c) {
				name = sideName(c) + " (" + row + ")"
			}
			wire := plain(closed, results.BytesTXPerMsg, fmtWire)
			if usable(closed) {
				wire += " / " + plain(closed, results.BytesRXPerMsg, fmtWire)
			}
			echo.Rows = append(echo.Rows, []string{fmtSize(p.size), fmtInt(p.conns), name,
				value(closed, results.MsgsPerSec, fmtCount, false),
				pair(closed, results.LatP50, results.LatP99), pair(open, results.LatP50, results.LatP99),
				wire, plain(closed, results.ServerCPUUSPerMsg, fmtCPU), status(closed) + " / " + status(open)})
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
	var others []*results.Cell
	var sockjsWS []string
	for i := range v.run.Cells {
		c := &v.run.Cells[i]
		if c.Scenario != config.Broadcast {
			continue
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
			c := v.cells[cellKey{row, config.Broadcast, p.size, p.conns}]
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
				pair(c, results.LatP50, results.LatP99), pair(c, results.LastP50, results.LastP99),
				plain(c, results.RequestsPerMsg, func(x float64) string { return trim(x, 3) }),
				plain(c, results.BytesPerMsg, fmtWire),
				plain(c, results.EmptyPollShare, fmtPercent),
				plain(c, results.ServerCPUUSPerMsg, fmtCPU), lost(c), status(c)})
		}
	}
	if len(push.Rows) > 0 {
		ts = append(ts, push)
	}
	return ts
}

func firstNonNil(cs ...*results.Cell) *results.Cell {
	for _, c := range cs {
		if c != nil {
			return c
		}
	}
	return nil
}

// pair is "p50 / p99" of a cell.
func pair(c *results.Cell, k1, k2 string) string {
	a := plain(c, k1, fmtUS)
	if !usable(c) {
		return a
	}
	return a + " / " + plain(c, k2, fmtUS)
}

func fmtPercent(x float64) string { return trim(x*100, 3) + "%" }

// lost sums the lost messages over c's trials.
func lost(c *results.Cell) string {
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
