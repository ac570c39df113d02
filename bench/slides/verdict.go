package slides

import (
	"fmt"
	"strings"

	"github.com/wsbench/wsbench/bench/analysis"
	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/palette"
	"github.com/wsbench/wsbench/bench/record"
	"github.com/wsbench/wsbench/bench/report"
)

// verdictColors are the verdict bars' colours (Okabe–Ito).
var verdictColors = map[string]string{
	report.VerdictStronger: hex(palette.Blue),
	report.VerdictHolds:    hex(palette.BluishGreen),
	report.VerdictWeaker:   hex(palette.Orange),
	report.VerdictReversed: hex(palette.Vermillion),
}

func hex(c interface{ RGBA() (r, g, b, a uint32) }) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02X%02X%02X", r>>8, g>>8, b>>8)
}

// verdict charts the claim's headline rows (report.Claim.HeadlineRows, the
// same rows the report's chart shows) under the claim finding's title.
func (s *story) verdict() *Slide {
	f := s.model.Finding(analysis.IDClaim)
	cl := report.BuildClaim(s.run)
	hi := cl.HeadlineIndex()
	if f == nil || cl.Missing != "" || hi < 0 {
		return nil
	}
	var rows []bar
	var notes []string
	for _, r := range cl.HeadlineRows() {
		c := r.OtherCell
		if c == nil || hi >= len(r.Refs) {
			continue
		}
		ref := r.Refs[hi]
		label := fmt.Sprintf("%s · %s · %s", sideShort(c), fmtSize(c.PayloadBytes), r.Short)
		if ref.Verdict == report.VerdictNoData {
			notes = append(notes, fmt.Sprintf("%s (%s, %s): %s.", label, r.Metric, r.Conditions, ref.Text))
			continue
		}
		rows = append(rows, bar{Label: label, Value: ref.Ratio, Color: verdictColors[ref.Verdict], Text: report.RatioText(ref, sideShort(c))})
		notes = append(notes, fmt.Sprintf("%s (%s, %s): %s.", label, r.Metric, r.Conditions, ref.Text))
	}
	if len(rows) == 0 {
		return nil
	}
	ch := barChart{Title: "Is WebSocket 5–10× faster than REST? Ratio against " + cl.Headline,
		XLabel: "ratio, log scale (> 1: WebSocket better; green band: the claimed 5–10×)", YLabel: "comparison",
		Rows: rows, LogX: true, Band: [2]float64{report.ClaimLow, report.ClaimHigh}, RefLine: 1,
		Fmt: func(v float64) string { return trim(v, 3) + "×" }}
	sl := &Slide{ID: "verdict", Finding: f.ID, Title: f.Title, Chart: ch.svg(),
		Lead: "blue: more than 10× · green: 5–10× · orange: WebSocket ahead by less than 5× · vermillion: REST ahead"}
	sl.Notes = append([]string{
		"Ratio of the two cells' medians, oriented so that above 1 WebSocket is better: WebSocket ÷ REST for throughput, REST ÷ WebSocket for latency.",
		"Each way of doing without WebSocket is charted in its own first metric only (throughput for request/response, p50 delivery for push); a comparison without data stays off the chart rather than borrowing another metric.",
		"WebSocket connections carry one message in flight here, like HTTP/1.1 requests; polls start at a random phase in their interval.",
		"Every row, with bytes on the wire and CPU per message, is in REPORT.md, section \"The 5–10× claim\".",
	}, notes...)
	sl.Notes = append(sl.Notes, s.common()...)
	return sl
}

// sideShort names the non-WebSocket side of a comparison in a few words.
func sideShort(c *record.Cell) string {
	switch c.VariantOrDefault() {
	case config.VariantHTTPKeepAlive:
		return "REST keep-alive"
	case config.VariantHTTPNewConn:
		return "REST new conn per request"
	case config.VariantPoll:
		if c.PollInterval > 0 {
			return "REST poll every " + fmtUS(float64(c.PollInterval.Microseconds()))
		}
		return "REST poll"
	case config.VariantLongPoll:
		return "REST long poll"
	case config.VariantSSE:
		return "Server-Sent Events"
	case config.VariantSockJSXHRStreaming:
		return "SockJS xhr-streaming"
	case config.VariantSockJSXHRPolling:
		return "SockJS xhr-polling"
	}
	return strings.TrimSpace(c.Row())
}
