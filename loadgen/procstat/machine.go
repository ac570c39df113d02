package procstat

import (
	"fmt"
	"time"

	"github.com/prometheus/procfs"
)

// CPUs is one reading of the machine's per-CPU time from /proc/stat, in
// seconds since boot: Busy is user + nice + system (time a process ran,
// in user or kernel mode; interrupt and softirq time is left out, as it
// is charged to no process), Steal the time the hypervisor ran something
// else while the CPU had work.
type CPUs struct {
	At    time.Time
	Busy  map[int]float64
	Steal map[int]float64
}

// ReadCPUs reads /proc/stat.
func ReadCPUs() (CPUs, error) {
	fs, err := procfs.NewDefaultFS()
	if err != nil {
		return CPUs{}, fmt.Errorf("procfs: %w", err)
	}
	st, err := fs.Stat()
	if err != nil {
		return CPUs{}, fmt.Errorf("/proc/stat: %w", err)
	}
	c := CPUs{At: time.Now(), Busy: map[int]float64{}, Steal: map[int]float64{}}
	for n, s := range st.CPU {
		c.Busy[int(n)] = s.User + s.Nice + s.System
		c.Steal[int(n)] = s.Steal
	}
	return c, nil
}

// Foreign is how much CPU something other than the measured processes
// took on a set of CPUs over an interval, and how much the hypervisor
// stole from them, each in CPUs (1.0: one CPU's worth for the whole
// interval).
type Foreign struct {
	CPUUtil   float64
	StealUtil float64
}

// ForeignOn is the CPU time on cpus between a and b that the processes
// whose CPU time grew by own (CPU-seconds) did not account for, and the
// steal time on cpus, both per wall-second. The processes must run only
// on cpus (a pinned server and load generator). With /proc/stat's tick
// granularity (10 ms per CPU) a second's reading is good to about 0.02
// CPU.
func ForeignOn(cpus []int, a, b CPUs, own float64) (Foreign, bool) {
	wall := b.At.Sub(a.At).Seconds()
	if wall <= 0 || len(cpus) == 0 {
		return Foreign{}, false
	}
	var busy, steal float64
	for _, n := range cpus {
		x, ok1 := a.Busy[n]
		y, ok2 := b.Busy[n]
		if !ok1 || !ok2 {
			return Foreign{}, false
		}
		busy += y - x
		steal += b.Steal[n] - a.Steal[n]
	}
	return Foreign{CPUUtil: max(busy-own, 0) / wall, StealUtil: max(steal, 0) / wall}, true
}
