package chatmatrix

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func publishFixture() *Results {
	c := Default()
	sr := func(lib string, shape int, delivered float64, limit string) ShapeResult {
		return ShapeResult{Lib: lib, Shape: c.Shapes[shape], Capacity: Capacity{Delivered: delivered, Limit: limit, Ranked: limit == "p99"}}
	}
	return &Results{Name: "chat", Config: c, Complete: true, Capacity: []ShapeResult{
		sr("a", 0, 1000, "p99"), sr("b", 0, 3000, "p99"), sr("a", 1, 1000, "client"), sr("b", 1, 3000, "client"),
	}, Crowd: []CrowdResult{
		{Lib: "a", Kind: "echo", Good: true, Conns: 19000, Active: 950, RSSPerConnBytes: 2048, P99US: 3000},
		{Lib: "a", Kind: "chat", Behind: true},
	}}
}

// The chat findings enter a run's model under IDs that name the statement,
// not its figures, titled with Findings' sentences.
func TestModelFindings(t *testing.T) {
	res := publishFixture()
	fs := ModelFindings(res)
	var ids []string
	for i, f := range fs {
		ids = append(ids, f.ID)
		if want := strings.TrimSuffix(Findings(res)[i], "."); f.Title != want {
			t.Errorf("%s: title %q, want %q", f.ID, f.Title, want)
		}
		if len(f.Leading) != 0 {
			t.Errorf("%s names leaders %v: a chat capacity is one search per library", f.ID, f.Leading)
		}
	}
	want := []string{"chat-big-group", "chat-small-group", "chat-idle-crowd-echo", "chat-idle-crowd-chat"}
	if !slices.Equal(ids, want) {
		t.Errorf("IDs %v, want %v", ids, want)
	}
	res.Capacity[0].Capacity.Delivered = 5000 // other figures, same statements
	for i, f := range ModelFindings(res) {
		if f.ID != ids[i] {
			t.Errorf("ID %s moved to %s with the figures", ids[i], f.ID)
		}
	}
	if ModelFindings(nil) != nil {
		t.Error("findings without a chat stage")
	}
}

// The section is the summary without its title and findings, its headings
// one level down.
func TestSection(t *testing.T) {
	s := Section(publishFixture())
	for _, bad := range []string{"# Chat matrix", "## Findings", "\n## Capacity"} {
		if strings.Contains("\n"+s, bad) {
			t.Errorf("section has %q:\n%s", bad, s)
		}
	}
	for _, want := range []string{"### Capacity", "### Mostly idle crowd", "| b | big-group"} {
		if !strings.Contains(s, want) {
			t.Errorf("section lacks %q:\n%s", want, s)
		}
	}
}

func TestLoadStage(t *testing.T) {
	run := t.TempDir()
	if res, err := LoadStage(run); res != nil || err != nil {
		t.Fatalf("a run without a chat stage: %v, %v", res, err)
	}
	if err := os.Mkdir(filepath.Join(run, StageDir), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Save(filepath.Join(run, StageDir), publishFixture()); err != nil {
		t.Fatal(err)
	}
	res, err := LoadStage(run)
	if err != nil || res == nil || len(res.Capacity) != 4 {
		t.Fatalf("LoadStage: %+v, %v", res, err)
	}
	if err := os.WriteFile(filepath.Join(run, StageDir, FileName), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadStage(run); err == nil {
		t.Error("a broken results.json loaded")
	}
}
