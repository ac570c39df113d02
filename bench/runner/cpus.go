package runner

import (
	"fmt"
	"os/exec"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/wsbench/wsbench/bench/record"
)

// Affinity lists the CPUs this process may run on.
func Affinity() ([]int, error) {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return nil, err
	}
	var cpus []int
	for i := 0; i < len(set)*64; i++ {
		if set.IsSet(i) {
			cpus = append(cpus, i)
		}
	}
	return cpus, nil
}

// SplitCPUs divides cpus between the server (the first half, rounded
// down, at least one) and the load generator (the rest). On two CPUs that
// is CPU 0 for the server and CPU 1 for the load generator. With a single
// CPU both get it.
func SplitCPUs(cpus []int) (server, client []int) {
	if len(cpus) < 2 {
		return slices.Clone(cpus), slices.Clone(cpus)
	}
	half := len(cpus) / 2
	return slices.Clone(cpus[:half]), slices.Clone(cpus[half:])
}

// ParseCPUList parses a taskset-style list: "0", "0,2", "4-7,9".
func ParseCPUList(s string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil || a < 0 {
			return nil, fmt.Errorf("bad CPU %q in %q", lo, s)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a {
				return nil, fmt.Errorf("bad CPU range %q in %q", part, s)
			}
		}
		for i := a; i <= b; i++ {
			if !slices.Contains(out, i) {
				out = append(out, i)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("empty CPU list %q", s)
	}
	slices.Sort(out)
	return out, nil
}

// NewSplit decides the CPU split: the given lists, or an even split of
// the CPUs this process may use, pinned with taskset when it is installed.
func NewSplit(server, client []int) (record.Split, error) {
	var sp record.Split
	if server == nil || client == nil {
		cpus, err := Affinity()
		if err != nil {
			return sp, fmt.Errorf("reading CPU affinity: %w", err)
		}
		s, c := SplitCPUs(cpus)
		if server == nil {
			server = s
		}
		if client == nil {
			client = c
		}
	}
	sp.ServerCPUs, sp.ClientCPUs = server, client
	for _, c := range server {
		if slices.Contains(client, c) {
			sp.Note = "server and load generator share CPU " + strconv.Itoa(c) + ": the load generator competes with the server"
			break
		}
	}
	path, err := exec.LookPath("taskset")
	if err != nil {
		const why = "taskset not found (install util-linux): processes are not pinned, only GOMAXPROCS is set"
		if sp.Note != "" {
			sp.Note += "; "
		}
		sp.Note += why
		return sp, nil
	}
	sp.Pinned, sp.Taskset = true, path
	return sp, nil
}
