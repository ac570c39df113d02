package slides

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Conformance verdicts, as the conformance run writes them.
var verdicts = []string{"OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED"}

// Conformance is one conformance run: per library, its cases and the
// count of each verdict.
type Conformance struct {
	Path string // the conformance.json read
	Name string // its directory: <date-host>
	Libs []ConformanceLib
}

// ConformanceLib is one library's conformance result.
type ConformanceLib struct {
	Name   string
	Counts map[string]int
	Cases  []ConformanceCase
}

// ConformanceCase is one case of the suite.
type ConformanceCase struct {
	ID       string `json:"id"`
	Category string `json:"category"`
	Verdict  string `json:"verdict"`
}

// Passes reports whether no case failed.
func (l ConformanceLib) Passes() bool { return l.Counts["FAILED"] == 0 }

// Total is the number of cases with a verdict.
func (l ConformanceLib) Total() int {
	n := 0
	for _, c := range l.Counts {
		n += c
	}
	return n
}

// findConformance returns the newest results/conformance/<date-host>/
// conformance.json next to runDir (in its parent or grandparent), or ""
// when there is none. Directory names start with the date, so the newest
// sorts last.
func findConformance(runDir string) string {
	abs, err := filepath.Abs(runDir)
	if err != nil {
		return ""
	}
	for dir, i := filepath.Dir(abs), 0; i < 2; dir, i = filepath.Dir(dir), i+1 {
		matches, _ := filepath.Glob(filepath.Join(dir, "conformance", "*", "conformance.json"))
		if len(matches) > 0 {
			sort.Strings(matches)
			return matches[len(matches)-1]
		}
	}
	return ""
}

// LoadConformance reads a conformance.json. It accepts the libraries as a
// list of objects naming themselves ("lib", "library" or "name") or as an
// object keyed by library, at the top level or under "libraries",
// "libs" or "results"; counts missing from a library are counted from its
// cases.
func LoadConformance(path string) (*Conformance, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var top any
	if err := json.Unmarshal(b, &top); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if m, ok := top.(map[string]any); ok {
		for _, k := range []string{"libraries", "libs", "results"} {
			if v, ok := m[k]; ok {
				top = v
				break
			}
		}
	}
	conf := &Conformance{Path: path, Name: filepath.Base(filepath.Dir(path))}
	add := func(name string, raw any) error {
		obj, ok := raw.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: library %q is not an object", path, name)
		}
		for _, k := range []string{"lib", "library", "name"} {
			if s, ok := obj[k].(string); ok && name == "" {
				name = s
			}
		}
		if name == "" {
			return fmt.Errorf("%s: a library without a name", path)
		}
		var l struct {
			Cases  []ConformanceCase `json:"cases"`
			Counts map[string]int    `json:"counts"`
		}
		rb, _ := json.Marshal(obj)
		if err := json.Unmarshal(rb, &l); err != nil {
			return fmt.Errorf("%s: library %s: %w", path, name, err)
		}
		lib := ConformanceLib{Name: name, Cases: l.Cases, Counts: map[string]int{}}
		for k, n := range l.Counts {
			lib.Counts[strings.ToUpper(k)] += n
		}
		if len(l.Counts) == 0 {
			for _, c := range l.Cases {
				lib.Counts[strings.ToUpper(c.Verdict)]++
			}
		}
		conf.Libs = append(conf.Libs, lib)
		return nil
	}
	switch v := top.(type) {
	case []any:
		for _, raw := range v {
			if err := add("", raw); err != nil {
				return nil, err
			}
		}
	case map[string]any:
		names := make([]string, 0, len(v))
		for k := range v {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			if err := add(k, v[k]); err != nil {
				return nil, err
			}
		}
	default:
		return nil, fmt.Errorf("%s: no libraries", path)
	}
	if len(conf.Libs) == 0 {
		return nil, fmt.Errorf("%s: no libraries", path)
	}
	return conf, nil
}

func (c *Conformance) lib(name string) (ConformanceLib, bool) {
	if c == nil {
		return ConformanceLib{}, false
	}
	for _, l := range c.Libs {
		if l.Name == name {
			return l, true
		}
	}
	return ConformanceLib{}, false
}
