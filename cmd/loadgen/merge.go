package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/wsbench/wsbench/loadgen/agents"
	"github.com/wsbench/wsbench/loadgen/result"
)

// mergeFiles reads the agents' results from files, merges them (package
// agents), prints the summary and writes the JSON to jsonPath when given.
func mergeFiles(files []string, jsonPath string, stdout, stderr io.Writer) int {
	var rs []*result.Result
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintf(stderr, "loadgen: %v\n", err)
			return 1
		}
		r := new(result.Result)
		if err := json.Unmarshal(b, r); err != nil {
			fmt.Fprintf(stderr, "loadgen: %s: %v\n", f, err)
			return 1
		}
		rs = append(rs, r)
	}
	res, err := agents.Merge(rs)
	if err != nil {
		fmt.Fprintf(stderr, "loadgen: %v\n", err)
		return 1
	}
	Summary(stdout, res)
	if jsonPath != "" {
		if err := writeJSON(jsonPath, stdout, res); err != nil {
			fmt.Fprintf(stderr, "loadgen: %v\n", err)
			return 1
		}
	}
	return 0
}
