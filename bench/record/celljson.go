package record

import (
	"encoding/json"
	"math"
	"time"
)

// cellUnits are a cell's durations as results.json records them.
type cellUnits struct {
	PollIntervalMS float64 `json:"poll_interval_ms,omitempty"`
	HoldS          float64 `json:"hold_s,omitempty"`
	WarmupS        float64 `json:"warmup_s,omitempty"`
	DurationS      float64 `json:"duration_s,omitempty"`
}

// plainCell is Cell without its JSON methods.
type plainCell Cell

// MarshalJSON writes c with its durations in results.json's units.
func (c Cell) MarshalJSON() ([]byte, error) {
	u := cellUnits{
		PollIntervalMS: float64(c.PollInterval.Microseconds()) / 1000,
		HoldS:          c.Hold.Seconds(),
		WarmupS:        c.Warmup.Seconds(),
		DurationS:      c.Duration.Seconds(),
	}
	return json.Marshal(struct {
		*plainCell
		cellUnits
	}{(*plainCell)(&c), u})
}

// UnmarshalJSON reads a cell written by MarshalJSON, or by any earlier
// version of the bench.
func (c *Cell) UnmarshalJSON(b []byte) error {
	var u cellUnits
	if err := json.Unmarshal(b, &struct {
		*plainCell
		*cellUnits
	}{(*plainCell)(c), &u}); err != nil {
		return err
	}
	c.PollInterval = seconds(u.PollIntervalMS / 1000)
	c.Hold = seconds(u.HoldS)
	c.Warmup = seconds(u.WarmupS)
	c.Duration = seconds(u.DurationS)
	return nil
}

// seconds is s seconds, to the nearest nanosecond.
func seconds(s float64) time.Duration { return time.Duration(math.Round(s * float64(time.Second))) }
