package runner

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/record"
)

// quotas holds the cgroups made and not yet removed, so that KillAll can
// remove them whatever path the bench leaves by.
var quotas = struct {
	sync.Mutex
	m map[*cpuQuota]struct{}
}{m: map[*cpuQuota]struct{}{}}

// cgroupPrefix names the bench's cgroups: cgroupPrefix and the bench's pid.
const cgroupPrefix = "wsbench-"

// setupQuota makes the run's server CPU quota when one is asked for. When
// it cannot be made, the run goes on without it and results.json says why
// (a warning, and the split's QuotaNote).
func (r *Runner) setupQuota(run *record.Run) {
	if r.ServerCPUQuota <= 0 {
		return
	}
	if r.QuotaPeriod <= 0 {
		r.QuotaPeriod = DefaultQuotaPeriod
	}
	removeStaleCgroups()
	q, err := newCPUQuota(cgroupPrefix+strconv.Itoa(os.Getpid()), r.ServerCPUQuota, r.QuotaPeriod)
	sp := &run.Environment.Split
	if err != nil {
		sp.QuotaNote = fmt.Sprintf("server CPU quota %g not applied, servers ran without it: %v", r.ServerCPUQuota, err)
		run.Warnings = append(run.Warnings, sp.QuotaNote)
		return
	}
	quotas.Lock()
	quotas.m[q] = struct{}{}
	quotas.Unlock()
	r.quota = q
	sp.ServerCPUQuota, sp.QuotaPeriodMS = q.CPUs, float64(q.Period)/1e6
	sp.QuotaNote = "open-loop echo servers ran under " + q.String()
}

// dropQuota removes the run's cgroup (every server in it was reaped).
func (r *Runner) dropQuota(run *record.Run) {
	if r.quota == nil {
		return
	}
	if err := dropQuota(r.quota); err != nil {
		run.Warnings = append(run.Warnings, err.Error())
	}
	r.quota = nil
}

func dropQuota(q *cpuQuota) error {
	quotas.Lock()
	delete(quotas.m, q)
	quotas.Unlock()
	return q.remove()
}

// removeQuotas removes every cgroup still registered (KillAll).
func removeQuotas() {
	quotas.Lock()
	var qs []*cpuQuota
	for q := range quotas.m {
		qs = append(qs, q)
	}
	quotas.Unlock()
	for _, q := range qs {
		_ = dropQuota(q)
	}
}

// removeStaleCgroups removes the cgroups left by benches that were killed
// outright (their pid gone); a cgroup still holding a process stays (rmdir
// refuses it).
func removeStaleCgroups() {
	for _, pattern := range []string{"cpu/" + cgroupPrefix + "*", "cpu,cpuacct/" + cgroupPrefix + "*", cgroupPrefix + "*"} {
		dirs, _ := filepath.Glob(filepath.Join(cgroupRoot, pattern))
		for _, d := range dirs {
			pid, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(d), cgroupPrefix))
			if err != nil || pid == os.Getpid() || syscall.Kill(pid, 0) == nil {
				continue
			}
			_ = os.Remove(d)
		}
	}
}

// quotaFor is the CPU quota c's server runs under: the run's, for the
// open-loop echo cells (latency under load); 0 for the others.
func (r *Runner) quotaFor(c config.Cell) float64 {
	if r.quota == nil || c.Scenario != config.EchoOpen {
		return 0
	}
	return r.quota.CPUs
}

// serverCPUs is what c's server may use: its quota, else its CPUs.
func (r *Runner) serverCPUs(c config.Cell) float64 {
	if q := r.quotaFor(c); q > 0 {
		return q
	}
	return float64(len(r.Split.ServerCPUs))
}

// StartOnceQuota makes the server CPU quota of ServerCPUQuota CPUs (per
// QuotaPeriod) for the servers that OnceQuota runs, as Run makes one for
// its open-loop echo cells; env's split records it, or why it could not
// be made (then the returned warning says so and OnceQuota runs servers
// without it). StopOnceQuota removes it.
func (r *Runner) StartOnceQuota(env *record.Environment, what string) (warning string) {
	run := &record.Run{Environment: *env}
	r.setupQuota(run)
	if r.quota != nil {
		run.Environment.Split.QuotaNote = what + " servers ran under " + r.quota.String()
	}
	*env = run.Environment
	if len(run.Warnings) > 0 {
		return run.Warnings[0]
	}
	return ""
}

// StopOnceQuota removes the quota of StartOnceQuota, if any.
func (r *Runner) StopOnceQuota() error {
	run := &record.Run{}
	r.dropQuota(run)
	if len(run.Warnings) > 0 {
		return errors.New(run.Warnings[0])
	}
	return nil
}
