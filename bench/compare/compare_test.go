package compare

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/wsbench/wsbench/bench/record"
)

const fixture = "../report/testdata/results.json"

func load(t *testing.T) *record.Run {
	t.Helper()
	r, err := record.Load(fixture)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRunAgainstItself(t *testing.T) {
	a := load(t)
	rep := Runs(a, a)
	if rep.RankAgreement == nil || *rep.RankAgreement != 1 || rep.Flipped != 0 || rep.Pairs == 0 || len(rep.Tables) == 0 {
		t.Fatalf("agreement %v, %d of %d flipped, %d tables", rep.RankAgreement, rep.Flipped, rep.Pairs, len(rep.Tables))
	}
	for _, c := range rep.Cells {
		if c.Ratio != 1 || c.Significant {
			t.Errorf("%s %s: ratio %v significant %v against itself", c.ID, c.Metric, c.Ratio, c.Significant)
		}
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil || back["rank_agreement"] != 1.0 || back["cells"] == nil {
		t.Errorf("JSON: %v %s", err, b[:min(len(b), 200)])
	}
}

// Scaling one library's throughput trials down in B swaps it with the
// libraries it passes, is flagged as significant, and lowers the agreement.
func TestSlowerLibraryFlips(t *testing.T) {
	a, b := load(t), load(t)
	id := "xnet/echo-closed/1024B/1000c"
	for i := range b.Cells {
		c := &b.Cells[i]
		if c.ID != id {
			continue
		}
		for _, tr := range c.Trials {
			tr.Result.MsgsPerSec *= 0.3
		}
		record.Summarize(c, 1, len(c.Trials))
	}
	rep := Runs(a, b)
	if rep.RankAgreement == nil || *rep.RankAgreement >= 1 || rep.Flipped == 0 {
		t.Fatalf("agreement %v, %d flipped", rep.RankAgreement, rep.Flipped)
	}
	found := false
	for _, c := range rep.Cells {
		if c.ID == id && c.Metric == record.MsgsPerSec {
			found = true
			if c.Ratio > 0.31 || c.Ratio < 0.29 || !c.Significant {
				t.Errorf("%s: ratio %v significant %v", id, c.Ratio, c.Significant)
			}
		}
	}
	if !found {
		t.Errorf("no comparison of %s", id)
	}
	var out bytes.Buffer
	rep.Text(&out)
	for _, want := range []string{"rank agreement", "echo-closed/1024B/1000c msgs_per_sec", "xnet>"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("text lacks %q", want)
		}
	}
}
