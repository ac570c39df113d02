package slides

import (
	"fmt"
	"github.com/wsbench/wsbench/bench/format"
)

// who names the libraries of a tie: all of them when they are few.
func who(names []string) string {
	if len(names) <= 3 {
		return list(names)
	}
	return fmt.Sprintf("%d libraries", len(names))
}

// The number formatters, shared with every other output (bench/format).
var (
	fmtCount = format.Count
	fmtUS    = format.US
	fmtBytes = format.Bytes
	fmtSize  = format.Size
	fmtInt   = format.Int
	fmtRatio = format.Ratio
	trim     = format.Trim
	list     = format.List
)
