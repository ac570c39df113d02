package analysis

import (
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/wsbench/wsbench/bench/record"
)

// FileName is the model's file inside a run directory.
const FileName = "findings.json"

// Model is everything derived from one run.
type Model struct {
	Run    string  `json:"run"`
	Commit string  `json:"commit,omitempty"`
	Alpha  float64 `json:"alpha"`
	Margin float64 `json:"margin"`
	// Method says how pairs are tested and tiers built.
	Method string `json:"method"`
	// Trials is the fewest and the most trials any cell counted.
	Trials [2]int `json:"trials"`
	// NoiseFloor is the run's own trial-to-trial spread per scenario
	// metric, as recorded by the runner (empty for older runs).
	NoiseFloor map[string]float64 `json:"noise_floor,omitempty"`
	// Quiet is what other processes took of the measured CPUs during the
	// trials (absent for runs recorded before it was read).
	Quiet *Quiet `json:"quiet,omitempty"`
	// Entries are every entry of the run with its role.
	Entries  []EntryRole `json:"entries"`
	Findings []*Finding  `json:"findings"`

	run *record.Run
}

// EntryRole is one entry and its role.
type EntryRole struct {
	Lib  string `json:"lib"`
	Role Role   `json:"role"`
}

// Finding is one statement of the run: the sentence a slide or a report
// heading states, and the ranking it rests on.
type Finding struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Metric string `json:"metric"`
	// Column names the cells compared: scenario, size, connections, load.
	Column         string `json:"column,omitempty"`
	HigherIsBetter bool   `json:"higher_is_better,omitempty"`
	// ValidEntries of TotalEntries ranked entries (libraries and our own
	// implementations) have a valid point.
	ValidEntries int `json:"valid_entries"`
	TotalEntries int `json:"total_entries"`
	// Leading are the entries the title names as leading: the first tier,
	// the entries that no other entry beats.
	Leading []string `json:"leading,omitempty"`
	// Ranking holds only valid points, in tier order; it is empty when
	// fewer than half of the entries have one (the title then says so).
	Ranking []Place `json:"ranking"`
	// References are the ceiling and baselines, beside the ranking.
	References []Place `json:"references,omitempty"`
	// NotValid lists the entries left out of the ranking and why.
	NotValid []Excluded `json:"not_valid,omitempty"`
	// Notes are facts a reader needs beside the title.
	Notes []string `json:"notes,omitempty"`

	ranked *Ranked
}

// Place is one entry's point in a ranking.
type Place struct {
	Lib    string  `json:"lib"`
	Role   Role    `json:"role"`
	Tier   int     `json:"tier,omitempty"`
	Median float64 `json:"median"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	Trials int     `json:"trials"`
	Valid  bool    `json:"valid"`
	Noisy  bool    `json:"noisy,omitempty"`
}

// Excluded is an entry without a valid point.
type Excluded struct {
	Lib string `json:"lib"`
	Why string `json:"why"`
}

// Ranked is the ranking behind f (nil for a finding without one).
func (f *Finding) Ranked() *Ranked { return f.ranked }

// Finding returns the finding with id, or nil.
func (m *Model) Finding(id string) *Finding {
	for _, f := range m.Findings {
		if f.ID == id {
			return f
		}
	}
	return nil
}

// Results is the run the model was built from.
func (m *Model) Results() *record.Run { return m.run }

// Write saves the model as dir/findings.json.
func (m *Model) Write(dir string) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, FileName), append(b, '\n'), 0o644)
}

// Load reads a findings.json (or dir/findings.json).
func Load(path string) (*Model, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, FileName)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Model
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return &m, nil
}
