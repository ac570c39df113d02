package chatmatrix

import (
	"fmt"
	"io"
	"strings"
)

// claimSummary writes the claim's section of SUMMARY.md.
func claimSummary(w io.Writer, res *Results) {
	cl := res.Config.Claim
	if len(res.Claim) == 0 {
		return
	}
	fmt.Fprintf(w, "## The claim for chat\n\n")
	fmt.Fprintf(w, "The same rooms over WebSocket and over the REST baseline (POST /chat/{room}/publish; members read by polling every %v, long polling or Server-Sent Events), at the same offered rates in each shape. ", cl.PollInterval)
	fmt.Fprintf(w, "A cell is valid with no failure, loss, duplicate or reordering and the load generator on schedule (the latency bound does not apply). ")
	fmt.Fprintf(w, "Wire bytes are both ways per delivered message, counted at the load generator's sockets (HTTP headers included). ")
	fmt.Fprintf(w, "WebSocket is the median of its valid cells at the same shape and rate; the factor is REST ÷ WebSocket, how many times WebSocket is better; the claim is %g–%g×.\n\n", ClaimLow, ClaimHigh)
	fmt.Fprintf(w, "| side | shape | rate/publisher | delivered/s | p50 ms | p99 ms | server CPU µs/delivery | wire B/delivery | valid |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n")
	for _, c := range res.Claim {
		p := c.Point
		side := c.Side + " (WebSocket)"
		if c.REST {
			side = "REST " + c.Side
		}
		valid := "yes"
		if !c.Valid {
			valid = strings.ReplaceAll(p.Why, "|", "/")
		}
		fmt.Fprintf(w, "| %s | %s | %g | %.0f | %.2f | %.2f | %.2f | %.0f | %s |\n", side, c.Shape.Name, p.Rate, p.Delivered,
			p.DeliveryP50US/1e3, p.DeliveryP99US/1e3, p.ServerCPUUSPerMsg, p.WireBytesPerMsg, valid)
	}
	fmt.Fprintln(w)
	cmps := Compare(res.Claim)
	if len(cmps) == 0 {
		fmt.Fprintf(w, "No comparison: no valid REST cell has a valid WebSocket cell at its shape and rate.\n\n")
		return
	}
	fmt.Fprintf(w, "| shape | rate/publisher | REST | WebSocket libraries | delivered/s | p50 ms WS / REST (×) | p99 ms WS / REST (×) | CPU µs WS / REST (×) | wire B WS / REST (×) |\n| --- | ---: | --- | ---: | ---: | --- | --- | --- | --- |\n")
	for _, c := range cmps {
		fmt.Fprintf(w, "| %s | %g | %s | %d | %.0f | %s | %s | %s | %s |\n", c.Shape, c.Rate, c.Variant, c.WSLibs, c.Delivered,
			pair(c.WS.P50US/1e3, c.REST.P50US/1e3, c.Factor.P50US, 2), pair(c.WS.P99US/1e3, c.REST.P99US/1e3, c.Factor.P99US, 2),
			pair(c.WS.CPUUSPerMsg, c.REST.CPUUSPerMsg, c.Factor.CPUUSPerMsg, 2), pair(c.WS.WireBytesPerMsg, c.REST.WireBytesPerMsg, c.Factor.WireBytesPerMsg, 0))
	}
	fmt.Fprintln(w)
	for _, f := range ClaimFindings(cmps, cl.Variants) {
		fmt.Fprintf(w, "- %s\n", f)
	}
	fmt.Fprintln(w)
}

func pair(ws, rest, factor float64, prec int) string {
	f := "–"
	if factor > 0 {
		f = fmt.Sprintf("%.1f×", factor)
	}
	return fmt.Sprintf("%.*f / %.*f (%s)", prec, ws, prec, rest, f)
}
