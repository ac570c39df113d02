package slides

import "github.com/wsbench/wsbench/bench/record"

// serverQuota is the CPU quota the open-loop servers ran under (0: none).
// TODO(merge): read record.Split.ServerCPUQuota.
func serverQuota(*record.Run) float64 { return 0 }
