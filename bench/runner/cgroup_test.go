package runner

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/record"
)

// fakeCgroups points the package at a temporary cgroup tree: "v1" (a cpu
// controller), "v2" (subtree_control with ctrl) or "" (none).
func fakeCgroups(t *testing.T, kind, ctrl string) string {
	t.Helper()
	root := t.TempDir()
	switch kind {
	case "v1":
		if err := os.Mkdir(filepath.Join(root, "cpu"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, "cpu", "cpu.cfs_quota_us"), []byte("-1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	case "v2":
		if err := os.WriteFile(filepath.Join(root, "cgroup.subtree_control"), []byte(ctrl+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	oldRoot, oldRemove := cgroupRoot, removeDir
	cgroupRoot, removeDir = root, os.RemoveAll
	t.Cleanup(func() { cgroupRoot, removeDir = oldRoot, oldRemove })
	return root
}

func readTrim(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func TestCPUQuotaV1(t *testing.T) {
	root := fakeCgroups(t, "v1", "")
	q, err := newCPUQuota("wsbench-test", 0.5, 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "cpu", "wsbench-test")
	if p, qu := readTrim(t, filepath.Join(dir, "cpu.cfs_period_us")), readTrim(t, filepath.Join(dir, "cpu.cfs_quota_us")); p != "10000" || qu != "5000" {
		t.Errorf("period %s quota %s, want 10000 and 5000", p, qu)
	}
	if err := q.add(4242); err != nil {
		t.Fatal(err)
	}
	if got := readTrim(t, filepath.Join(dir, "cgroup.procs")); got != "4242" {
		t.Errorf("cgroup.procs %q", got)
	}
	if !strings.Contains(q.String(), "0.5 CPU (5ms of every 10ms)") {
		t.Errorf("description %q", q.String())
	}
	if err := q.remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("cgroup left behind: %v", err)
	}
}

func TestCPUQuotaV2(t *testing.T) {
	root := fakeCgroups(t, "v2", "cpuset cpu io")
	q, err := newCPUQuota("wsbench-test", 1.5, 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer q.remove()
	if got := readTrim(t, filepath.Join(root, "wsbench-test", "cpu.max")); got != "30000 20000" {
		t.Errorf("cpu.max %q", got)
	}
}

func TestCPUQuotaUnavailable(t *testing.T) {
	for _, tc := range []struct {
		kind, ctrl string
		cpus       float64
		period     time.Duration
		why        string
	}{
		{"", "", 0.5, 10 * time.Millisecond, "no cgroup v1 cpu controller"},
		{"v2", "memory pids", 0.5, 10 * time.Millisecond, "cpu controller is not enabled"},
		{"v1", "", 0.05, 10 * time.Millisecond, "quotas of at least 1 ms"},
		{"v1", "", 0.5, 2 * time.Second, "periods of 1 ms to 1 s"},
		{"v1", "", 0, 10 * time.Millisecond, "must be positive"},
	} {
		fakeCgroups(t, tc.kind, tc.ctrl)
		if _, err := newCPUQuota("wsbench-test", tc.cpus, tc.period); err == nil || !strings.Contains(err.Error(), tc.why) {
			t.Errorf("%s %q %v per %v: %v, want %q", tc.kind, tc.ctrl, tc.cpus, tc.period, err, tc.why)
		}
	}
}

// TestRunUnderQuota: echo-open servers go into the run's cgroup, the cells
// and the split say so, a fraction of capacity is scaled to the quota, and
// the cgroup is gone at the end.
func TestRunUnderQuota(t *testing.T) {
	root := fakeCgroups(t, "v1", "")
	cfg := tinyConfig(1)
	cfg.Scenarios = []config.Spec{
		{Scenario: config.EchoClosed, Sizes: []int{64}, Conns: []int{10}, Window: 1},
		{Scenario: config.EchoOpen, Sizes: []int{64}, Conns: []int{10}, Loads: []float64{0.5}},
	}
	var procs string // what the cgroup held last
	removeDir = func(d string) error {
		b, _ := os.ReadFile(filepath.Join(d, "cgroup.procs"))
		procs = string(b)
		return os.RemoveAll(d)
	}
	r := fakeRunner(t, cfg, "alpha")
	r.ServerCPUQuota = 0.5
	var run record.Run
	if err := r.Run(context.Background(), &run); err != nil {
		t.Fatal(err)
	}
	assertNoSurvivors(t, &run)
	if want := strconv.Itoa(run.Cells[1].Trials[0].ServerPID); procs != want {
		t.Errorf("the cgroup held %q, want the open-loop server %s", procs, want)
	}
	sp := run.Environment.Split
	if sp.ServerCPUQuota != 0.5 || sp.QuotaPeriodMS != float64(DefaultQuotaPeriod.Milliseconds()) || len(run.Warnings) != 0 {
		t.Errorf("split %+v, warnings %v", sp, run.Warnings)
	}
	closed, half := run.Cells[0], run.Cells[1]
	if closed.ServerCPUQuota != 0 || half.ServerCPUQuota != 0.5 {
		t.Errorf("quota per cell: closed %v, open %v", closed.ServerCPUQuota, half.ServerCPUQuota)
	}
	capacity, used := closed.Trials[0].Result.MsgsPerSec, closed.Trials[0].Result.Server.CPUUtil
	if want := 0.5 / used; half.CapacityScale != want {
		t.Errorf("capacity scale %v, want %v", half.CapacityScale, want)
	}
	if want := roundRate(0.5 * capacity * 0.5 / used); half.Rate != want {
		t.Errorf("rate %v, want %v", half.Rate, want)
	}
	dir := filepath.Join(root, "cpu", cgroupPrefix+strconv.Itoa(os.Getpid()))
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the run's cgroup is still there: %v", err)
	}
	quotas.Lock()
	n := len(quotas.m)
	quotas.Unlock()
	if n != 0 {
		t.Errorf("%d cgroups still registered", n)
	}
}

// TestRunWithoutQuota: no cgroup can be made; the run goes on without the
// quota and says why.
func TestRunWithoutQuota(t *testing.T) {
	fakeCgroups(t, "", "")
	cfg := tinyConfig(1)
	cfg.Scenarios = []config.Spec{{Scenario: config.EchoOpen, Sizes: []int{64}, Conns: []int{10}, Rates: []float64{100}}}
	r := fakeRunner(t, cfg, "alpha")
	r.ServerCPUQuota = 0.5
	var run record.Run
	if err := r.Run(context.Background(), &run); err != nil {
		t.Fatal(err)
	}
	sp := run.Environment.Split
	if sp.ServerCPUQuota != 0 || !strings.Contains(sp.QuotaNote, "not applied") || len(run.Warnings) != 1 ||
		!strings.Contains(run.Warnings[0], "no cgroup v1 cpu controller") {
		t.Errorf("split %+v, warnings %v", sp, run.Warnings)
	}
	if c := run.Cells[0]; c.ServerCPUQuota != 0 || c.Status == record.StatusFailed {
		t.Errorf("cell %s: quota %v, %s (%s)", c.ID, c.ServerCPUQuota, c.Status, c.Reason)
	}
}

// TestOnceQuota: StartOnceQuota records the quota in the environment's
// split (or, without cgroups, a warning and why), StopOnceQuota removes it.
func TestOnceQuota(t *testing.T) {
	root := fakeCgroups(t, "v1", "")
	r := &Runner{ServerCPUQuota: 0.5}
	var env record.Environment
	if w := r.StartOnceQuota(&env, "capacity search"); w != "" {
		t.Fatalf("warning %q", w)
	}
	sp := env.Split
	if sp.ServerCPUQuota != r.ServerCPUQuota || sp.QuotaPeriodMS != float64(DefaultQuotaPeriod)/1e6 || !strings.HasPrefix(sp.QuotaNote, "capacity search servers ran under") {
		t.Fatalf("split %+v", sp)
	}
	dir := filepath.Join(root, "cpu", cgroupPrefix+strconv.Itoa(os.Getpid()))
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("no cgroup: %v", err)
	}
	if err := r.StopOnceQuota(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("cgroup left behind: %v", err)
	}

	fakeCgroups(t, "", "")
	r = &Runner{ServerCPUQuota: 0.5}
	env = record.Environment{}
	if w := r.StartOnceQuota(&env, "capacity search"); w == "" || env.Split.ServerCPUQuota != 0 || env.Split.QuotaNote != w {
		t.Fatalf("without cgroups: warning %q, split %+v", w, env.Split)
	}
	if err := r.StopOnceQuota(); err != nil {
		t.Fatal(err)
	}
}
