package runner

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// DefaultServerCPUQuota and DefaultQuotaPeriod are the CPU quota of the
// open-loop servers: a quarter of a CPU per 4 ms, as a container with a
// CPU limit of 250m.
//
// Why a quarter: the offered rates of the @25% and @50% cells are
// fractions of each library's closed-loop capacity scaled to the quota; at
// half a CPU they reached 25,000-65,000 msgs/s for the fast servers, where
// the load generator's one CPU, writing and reading every message of
// 1,000 connections, was late by 0.3-2.6 ms at p99 (client-limited); at a
// quarter they stay at 7,000-28,000 msgs/s and its send lag p99 at
// 40-430 µs (results/loadgen/2026-12-02-quota).
//
// Why 4 ms: a throttled server waits up to the period less its quota for
// its next share; that wait is part of every latency measured under the
// quota. With a quarter per 10 ms it is up to 7.5 ms, and at 5,000
// msgs/s every server's p99 was about 4 ms; per 4 ms it is up to 3 ms
// (p99 about 2 ms). The kernel's smallest quota is 1 ms, so a quarter
// allows no shorter period. (A container runtime's default period, 100
// ms, would add tens of milliseconds.)
const (
	DefaultServerCPUQuota = 0.25
	DefaultQuotaPeriod    = 4 * time.Millisecond
)

// MinQuotaRuntime is the smallest CPU time per period the kernel accepts
// for a quota (cpu.cfs_quota_us, cpu.max).
const MinQuotaRuntime = time.Millisecond

// cgroupRoot is where cgroup file systems are mounted, and removeDir how a
// cgroup is removed (variables for tests, whose fake cgroups are plain
// directories with files in them).
var (
	cgroupRoot = "/sys/fs/cgroup"
	removeDir  = os.Remove
)

// cpuQuota is a cgroup that limits the CPU time of the processes put in
// it: CPUs of one CPU's time per period (0.25: a quarter of one CPU), as a
// container's CPU limit does. One is made per run and removed at its end.
type cpuQuota struct {
	CPUs   float64
	Period time.Duration
	dir    string
	procs  string // the file a pid is written to
}

// newCPUQuota creates a cgroup named name with the quota, under cgroup v1's
// cpu controller or, without it, cgroup v2's root with the cpu controller
// enabled for its children. Its error says why no quota can be applied.
func newCPUQuota(name string, cpus float64, period time.Duration) (*cpuQuota, error) {
	if cpus <= 0 || period <= 0 {
		return nil, fmt.Errorf("CPU quota %g per %v: both must be positive", cpus, period)
	}
	periodUS := period.Microseconds()
	quotaUS := int64(cpus * float64(periodUS))
	if periodUS < 1000 || periodUS > 1_000_000 || quotaUS < 1000 {
		return nil, fmt.Errorf("CPU quota %g per %v: the kernel takes periods of 1 ms to 1 s and quotas of at least 1 ms", cpus, period)
	}
	q := &cpuQuota{CPUs: cpus, Period: period}
	for _, v1 := range []string{"cpu", "cpu,cpuacct"} {
		base := filepath.Join(cgroupRoot, v1)
		if _, err := os.Stat(filepath.Join(base, "cpu.cfs_quota_us")); err != nil {
			continue
		}
		q.dir, q.procs = filepath.Join(base, name), "cgroup.procs"
		return q, q.create(map[string]string{
			// The period first: a quota above the current period is refused.
			"cpu.cfs_period_us": strconv.FormatInt(periodUS, 10),
			"cpu.cfs_quota_us":  strconv.FormatInt(quotaUS, 10),
		}, []string{"cpu.cfs_period_us", "cpu.cfs_quota_us"})
	}
	ctrl, err := os.ReadFile(filepath.Join(cgroupRoot, "cgroup.subtree_control"))
	if err != nil {
		return nil, fmt.Errorf("no cgroup v1 cpu controller and no cgroup v2 hierarchy under %s: %w", cgroupRoot, err)
	}
	if !strings.Contains(" "+strings.TrimSpace(string(ctrl))+" ", " cpu ") {
		return nil, fmt.Errorf("cgroup v2: the cpu controller is not enabled for children of %s (cgroup.subtree_control: %q)",
			cgroupRoot, strings.TrimSpace(string(ctrl)))
	}
	q.dir, q.procs = filepath.Join(cgroupRoot, name), "cgroup.procs"
	return q, q.create(map[string]string{"cpu.max": fmt.Sprintf("%d %d", quotaUS, periodUS)}, []string{"cpu.max"})
}

// create makes the cgroup and writes its settings in order; on failure it
// removes what it made.
func (q *cpuQuota) create(settings map[string]string, order []string) error {
	if err := os.Mkdir(q.dir, 0o755); err != nil {
		return fmt.Errorf("creating cgroup %s: %w", q.dir, err)
	}
	for _, f := range order {
		if err := os.WriteFile(filepath.Join(q.dir, f), []byte(settings[f]), 0o644); err != nil {
			_ = q.remove()
			return fmt.Errorf("setting %s of cgroup %s: %w", f, q.dir, err)
		}
	}
	return nil
}

// add moves process pid, all its threads, into the cgroup.
func (q *cpuQuota) add(pid int) error {
	if err := os.WriteFile(filepath.Join(q.dir, q.procs), []byte(strconv.Itoa(pid)), 0o644); err != nil {
		return fmt.Errorf("moving process %d into cgroup %s: %w", pid, q.dir, err)
	}
	return nil
}

// remove deletes the cgroup; its processes must have exited (a cgroup
// with processes cannot be removed). Removing one already gone is not an
// error.
func (q *cpuQuota) remove() error {
	var err error
	for try := 0; try < 50; try++ {
		// rmdir on a cgroup whose last process is being reaped can fail
		// with EBUSY for a moment.
		if err = removeDir(q.dir); err == nil || errors.Is(err, os.ErrNotExist) {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("removing cgroup %s: %w", q.dir, err)
}

// String describes the quota for results.json.
func (q *cpuQuota) String() string {
	return fmt.Sprintf("%g CPU (%v of every %v) in cgroup %s", q.CPUs, time.Duration(q.CPUs*float64(q.Period)), q.Period, q.dir)
}
