package conformance

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Report is the JSON written by a conformance run (conformance.json).
type Report struct {
	Environment map[string]string `json:"environment"`
	Form        string            `json:"form"` // "full" or "short"
	Libraries   []LibraryReport   `json:"libraries"`
}

// LibraryReport is every case run against one library, or the reason none
// was (a server whose protocol has no suite here).
type LibraryReport struct {
	Name          string   `json:"name"`
	Module        string   `json:"module"`
	Version       string   `json:"version,omitempty"`
	Proto         string   `json:"proto"`
	Suite         string   `json:"suite,omitempty"` // "websocket" or "sockjs"
	NotApplicable string   `json:"not_applicable,omitempty"`
	Counts        Counts   `json:"counts"`
	Cases         []Result `json:"cases"`
}

// WriteJSON writes r to path, indented.
func (r *Report) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// ReadReport loads a conformance.json.
func ReadReport(path string) (*Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &r, nil
}

// LessID compares dotted case IDs part by part, numbers numerically.
func LessID(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		if pa[i] == pb[i] {
			continue
		}
		na, ea := strconv.Atoi(pa[i])
		nb, eb := strconv.Atoi(pb[i])
		if ea == nil && eb == nil {
			return na < nb
		}
		return pa[i] < pb[i]
	}
	return len(pa) < len(pb)
}
