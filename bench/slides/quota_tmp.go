package slides

import "github.com/wsbench/wsbench/bench/results"

// serverQuota is the CPU quota the open-loop servers ran under (0: none).
// TODO(merge): read results.Split.ServerCPUQuota.
func serverQuota(*results.Run) float64 { return 0 }
