// Package compare sets two runs side by side: for every cell both ran, the
// ratio B/A of its headline metrics with the confidence of the difference,
// and for every table of libraries the agreement between the two rankings
// (Kendall's tau over the libraries both ranked).
package compare

import (
	"fmt"
	"github.com/wsbench/wsbench/bench/analysis"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/record"
	"github.com/wsbench/wsbench/bench/stats"
)

// Headline metrics per scenario, with the direction that is better.
var headline = map[config.Scenario][]metric{
	config.EchoClosed: {{record.MsgsPerSec, true}},
	config.EchoOpen:   {{record.LatP50, false}, {record.LatP99, false}},
	config.Broadcast:  {{record.LastP50, false}},
	config.Connect:    {{record.HandshakesPerSec, true}, {record.ServerRSSPerConn, false}},
}

type metric struct {
	key    string
	higher bool
}

// Cell is one metric of one cell both runs measured.
type Cell struct {
	ID     string  `json:"id"`
	Metric string  `json:"metric"`
	A      float64 `json:"a"`     // median in run A
	B      float64 `json:"b"`     // median in run B
	Ratio  float64 `json:"ratio"` // B / A
	// P is the Mann-Whitney U test's p-value over the two runs' trials;
	// Significant is P < stats.Alpha.
	P           float64 `json:"p"`
	Significant bool    `json:"significant"`
}

// Table is the ranking of the libraries in one column of the report (one
// scenario, size, connection count, load and metric) in both runs.
type Table struct {
	Name string   `json:"name"`
	Libs []string `json:"libs"` // ranked in both runs
	// Tau is Kendall's tau between the two orders (1: the same order);
	// nil when every library tied.
	Tau *float64 `json:"tau"`
	// Flipped are the pairs ranked the other way round in B, as "x>y"
	// where A put x first.
	Flipped []string `json:"flipped,omitempty"`
}

// Report is the whole comparison.
type Report struct {
	A string `json:"a"`
	B string `json:"b"`
	// RankAgreement is the mean of the tables' tau weighted by their
	// number of library pairs: 1 when every table kept its order; nil when
	// no table had two libraries in both runs.
	RankAgreement *float64 `json:"rank_agreement"`
	Pairs         int      `json:"pairs"`   // library pairs compared
	Flipped       int      `json:"flipped"` // of those, ranked the other way in B
	Tables        []Table  `json:"tables"`
	Cells         []Cell   `json:"cells"`
	// Agreement is how the two decks' rankings agree: contradictions
	// (pairs placed in opposite tiers) and findings whose leading set
	// changed (bench/analysis.Agree).
	analysis.Agreement
}

// Runs compares run b against run a.
func Runs(a, b *record.Run) *Report {
	rep := &Report{A: a.Name, B: b.Name, Agreement: analysis.Agree(analysis.Build(a), analysis.Build(b))}
	ca := index(a)
	type col struct {
		name string
		m    metric
		a, b map[string]float64
	}
	cols := map[string]*col{}
	var colNames []string
	for i := range b.Cells {
		cb := &b.Cells[i]
		x, ok := ca[cb.ID]
		if !ok || !usable(x) || !usable(cb) {
			continue
		}
		for _, m := range headline[cb.Scenario] {
			va, okA := x.Median[m.key]
			vb, okB := cb.Median[m.key]
			if !okA || !okB || va == 0 {
				continue
			}
			p := stats.Compare(x.Values(m.key), cb.Values(m.key))
			rep.Cells = append(rep.Cells, Cell{ID: cb.ID, Metric: m.key, A: va, B: vb, Ratio: round(vb / va), P: round(p), Significant: p < stats.Alpha})
			if cb.Extra {
				continue // variant rows are not in library rankings
			}
			name := strings.TrimPrefix(cb.ID, cb.Lib) + " " + m.key
			c := cols[name]
			if c == nil {
				c = &col{name: strings.TrimPrefix(name, "/"), m: m, a: map[string]float64{}, b: map[string]float64{}}
				cols[name] = c
				colNames = append(colNames, name)
			}
			sign := 1.0
			if !m.higher {
				sign = -1
			}
			c.a[cb.Lib], c.b[cb.Lib] = sign*va, sign*vb
		}
	}
	sort.Strings(colNames)
	var weighted, weight float64
	for _, n := range colNames {
		c := cols[n]
		if len(c.a) < 2 {
			continue
		}
		tau := stats.KendallTau(c.a, c.b)
		t := Table{Name: c.name, Tau: ptr(round(tau))}
		for lib := range c.a {
			t.Libs = append(t.Libs, lib)
		}
		sort.Slice(t.Libs, func(i, j int) bool { return c.a[t.Libs[i]] > c.a[t.Libs[j]] })
		for i, x := range t.Libs {
			for _, y := range t.Libs[i+1:] {
				rep.Pairs++
				if c.a[x] != c.a[y] && c.b[x] < c.b[y] {
					t.Flipped = append(t.Flipped, x+">"+y)
					rep.Flipped++
				}
			}
		}
		if !math.IsNaN(tau) {
			pairs := float64(len(t.Libs) * (len(t.Libs) - 1) / 2)
			weighted += tau * pairs
			weight += pairs
		}
		rep.Tables = append(rep.Tables, t)
	}
	if weight > 0 {
		rep.RankAgreement = ptr(round(weighted / weight))
	}
	return rep
}

// ptr is nil for NaN (JSON has no NaN), else a pointer to x.
func ptr(x float64) *float64 {
	if math.IsNaN(x) {
		return nil
	}
	return &x
}

func fmtPtr(x *float64) string {
	if x == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.3f", *x)
}

func index(r *record.Run) map[string]*record.Cell {
	m := map[string]*record.Cell{}
	for i := range r.Cells {
		m[r.Cells[i].ID] = &r.Cells[i]
	}
	return m
}

func usable(c *record.Cell) bool { return c.Status != record.StatusFailed && c.Median != nil }

func round(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	return math.Round(x*1000) / 1000
}

// Text writes the comparison for a terminal: every cell's ratios, then
// every table's agreement, then the overall figure.
func (r *Report) Text(w io.Writer) {
	fmt.Fprintf(w, "A = %s\nB = %s\n\n", r.A, r.B)
	fmt.Fprintf(w, "%-52s %-22s %12s %12s %8s %8s\n", "cell", "metric", "A", "B", "B/A", "p")
	for _, c := range r.Cells {
		mark := ""
		if c.Significant {
			mark = " *"
		}
		fmt.Fprintf(w, "%-52s %-22s %12.4g %12.4g %8.3f %8.3f%s\n", c.ID, c.Metric, c.A, c.B, c.Ratio, c.P, mark)
	}
	fmt.Fprintf(w, "\n* the two runs' trials differ (Mann-Whitney U, p < %.2f)\n\n", stats.Alpha)
	fmt.Fprintf(w, "%-60s %5s %7s  %s\n", "ranking", "libs", "tau", "pairs ranked the other way in B")
	for _, t := range r.Tables {
		fmt.Fprintf(w, "%-60s %5d %7s  %s\n", t.Name, len(t.Libs), fmtPtr(t.Tau), strings.Join(t.Flipped, " "))
	}
	fmt.Fprintf(w, "\nrank agreement (Kendall's tau, weighted by pairs): %s; %d of %d library pairs flipped\n", fmtPtr(r.RankAgreement), r.Flipped, r.Pairs)
	fmt.Fprintf(w, "deck rankings compared: %s\n", strings.Join(r.Rankings, ", "))
	fmt.Fprintf(w, "contradictions (pairs in opposite tiers): %d; pairs separated in one run and reversed by median in the other: %d\n", r.Contradictions, r.MedianReversals)
	if len(r.FindingsChanged) == 0 {
		fmt.Fprintln(w, "findings changed: none (every deck finding names the same leading entries)")
	}
	for _, f := range r.FindingsChanged {
		fmt.Fprintf(w, "finding changed: %s leads with [%s] in A, [%s] in B\n", f.ID, strings.Join(f.A, " "), strings.Join(f.B, " "))
	}
}
