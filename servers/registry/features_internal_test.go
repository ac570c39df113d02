package registry

import (
	"strings"
	"testing"

	"github.com/wsbench/wsbench/servers/server"
)

// Every row of the feature table is a registered entry's (a row for a
// removed or misspelt entry would be silently unused).
func TestEveryFeatureRowIsAnEntrys(t *testing.T) {
	rows, err := parseFeatures(featureTable)
	if err != nil {
		t.Fatal(err)
	}
	for name := range rows {
		if _, ok := Lookup(name); !ok {
			t.Errorf("features.md has a row for %q, which is not registered", name)
		}
	}
}

func TestParseFeaturesRefusesAMalformedTable(t *testing.T) {
	header := "| library | " + strings.Join(server.FeatureColumns, " | ") + " |\n|" + strings.Repeat(" --- |", 1+len(server.FeatureColumns)) + "\n"
	row := func(name string, cells int) string {
		return "| " + name + strings.Repeat(" | x", cells) + " |\n"
	}
	n := len(server.FeatureColumns)
	if got, err := parseFeatures(header + row("a", n)); err != nil || got["a"].Maintenance != "x" {
		t.Fatalf("a well-formed table: %v, %v", got, err)
	}
	for name, md := range map[string]string{
		"a short row":       header + row("a", n-1),
		"a duplicate row":   header + row("a", n) + row("a", n),
		"another header":    strings.Replace(header, server.FeatureColumns[0], "zip", 1) + row("a", n),
		"no table":          "# nothing here\n",
		"a header only row": row("library", n),
	} {
		if _, err := parseFeatures(md); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
