package registry

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"github.com/wsbench/wsbench/servers/server"
)

// featureTable is the feature matrix, a Markdown table with one row per
// entry: the data behind each entry's Features.
//
//go:embed features.md
var featureTable string

func init() {
	rows, err := parseFeatures(featureTable)
	if err != nil {
		panic(fmt.Errorf("registry: features.md: %w", err))
	}
	for i := range all {
		all[i].Features = rows[all[i].Name]
	}
}

// parseFeatures reads the Markdown table of md: a header row whose first
// cell names the entry and whose others are server.FeatureColumns, a
// separator row, then one row per entry.
func parseFeatures(md string) (map[string]server.Features, error) {
	var rows [][]string
	for n, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			continue
		}
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if len(cells) != 1+len(server.FeatureColumns) {
			return nil, fmt.Errorf("line %d: %d cells, want %d", n+1, len(cells), 1+len(server.FeatureColumns))
		}
		rows = append(rows, cells)
	}
	if len(rows) < 2 || !slices.Equal(rows[0][1:], server.FeatureColumns) {
		return nil, fmt.Errorf("no table with the columns %q", server.FeatureColumns)
	}
	out := map[string]server.Features{}
	for _, r := range rows[2:] {
		if _, dup := out[r[0]]; dup {
			return nil, fmt.Errorf("two rows for %q", r[0])
		}
		out[r[0]] = server.Features{Compression: r[1], Context: r[2], ConcurrentWrites: r[3], EventLoop: r[4], Client: r[5], Maintenance: r[6]}
	}
	return out, nil
}
