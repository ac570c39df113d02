package chatmatrix

import (
	"bufio"
	"bytes"
	"strings"

	"github.com/wsbench/wsbench/bench/analysis"
)

// IDPrefix starts the IDs of the chat findings in a run's model.
const IDPrefix = "chat-"

// ModelFindings are res's findings (Findings) as findings of the reference
// run's analysis model, so that REPORT.md lists them and the deck titles
// its chat slides with them. The ID is IDPrefix and the sentence's subject
// (before its first colon, figures in parentheses left out), so that it
// names the same statement in every run: "chat-big-group",
// "chat-idle-crowd-echo", "chat-chat-over-rest-poll-vs-websocket-at-equal-rates".
// No ranking rests on them: a chat capacity is one search per library.
func ModelFindings(res *Results) []*analysis.Finding {
	if res == nil {
		return nil
	}
	var out []*analysis.Finding
	seen := map[string]int{}
	for _, s := range Findings(res) {
		id := FindingID(subject(s))
		if n := seen[id]; n > 0 {
			seen[id]++
			id = id + "-" + strings.Repeat("x", n)
		} else {
			seen[id] = 1
		}
		out = append(out, &analysis.Finding{ID: id, Title: strings.TrimSuffix(s, "."), Metric: "chat", Ranking: []analysis.Place{}})
	}
	return out
}

// FindingID is the model ID of the chat finding about subject.
func FindingID(subject string) string { return IDPrefix + slug(subject) }

// subject is a finding's words before its first colon, without the
// parenthesised figures.
func subject(s string) string {
	if i := strings.Index(s, ":"); i > 0 {
		s = s[:i]
	}
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// slug is s in lower case, runs of other characters than letters and
// digits as one dash.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	return b.String()
}

// Section is res's SUMMARY.md as a section of the reference run's
// REPORT.md: its headings one level down, without its title and its
// findings (the report lists them with the run's).
func Section(res *Results) string {
	var buf bytes.Buffer
	Summary(&buf, res)
	var out strings.Builder
	sc := bufio.NewScanner(&buf)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	skip := false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "# "):
			continue
		case line == "## Findings":
			skip = true
			continue
		case strings.HasPrefix(line, "## "):
			skip = false
			line = "#" + line
		}
		if !skip {
			out.WriteString(line)
			out.WriteByte('\n')
		}
	}
	return strings.TrimLeft(out.String(), "\n")
}
