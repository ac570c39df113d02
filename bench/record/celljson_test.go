package record

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/wsbench/wsbench/bench/config"
)

// A cell as runs before the cell description was shared recorded it.
const recordedCell = `{"id": "rest+poll-50ms/broadcast/1024B/100c", "lib": "rest", "proto": "http", "variant": "poll",
	"extra": true, "scenario": "broadcast", "mode": "open", "payload_bytes": 1024, "conns": 100, "rate": 20,
	"publishers": 1, "poll_interval_ms": 50, "warmup_s": 2, "duration_s": 10.5, "status": "ok",
	"trials": [], "median_trial": -1}`

func TestCellReadsRecordedRuns(t *testing.T) {
	var c Cell
	if err := json.Unmarshal([]byte(recordedCell), &c); err != nil {
		t.Fatal(err)
	}
	want := config.Cell{Lib: "rest", Proto: "http", Variant: config.VariantPoll, Extra: true, Scenario: config.Broadcast,
		PayloadBytes: 1024, Conns: 100, Rate: 20, Publishers: 1, PollInterval: 50 * time.Millisecond,
		Warmup: 2 * time.Second, Duration: 10500 * time.Millisecond}
	if c.Cell != want || c.ID != want.ID() || c.Mode != "open" || c.Status != StatusOK || c.MedianTrial != -1 {
		t.Errorf("read %+v", c)
	}
	// Written again, it has the same fields with the same values.
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var before, after map[string]any
	if err := json.Unmarshal([]byte(recordedCell), &before); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &after); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Errorf("rewritten as %s", b)
	}
}

func TestCellJSONRoundTrip(t *testing.T) {
	for _, cc := range []config.Cell{
		{Lib: "gorilla", Proto: "ws", Variant: config.VariantWS, Scenario: config.EchoOpen, PayloadBytes: 64, Conns: 10,
			Load: 0.5, Rate: 1234.5, Warmup: 1500 * time.Millisecond, Duration: 3 * time.Second},
		{Lib: "gobwas", Proto: "ws", Variant: config.VariantWS, Scenario: config.Connect, Conns: 1000,
			Hold: 1234567 * time.Microsecond, ConnectRate: 500, DialConcurrency: 8},
		{Lib: "rest", Proto: "http", Variant: config.VariantPoll, Extra: true, Scenario: config.Broadcast, PayloadBytes: 1024,
			Conns: 100, Rate: 20, Publishers: 2, PollInterval: 333 * time.Millisecond, Duration: time.Second},
	} {
		in := CellFrom(cc)
		in.CapacityRef, in.Status = "x", StatusNoisy
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		var out Cell
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(out, in) {
			t.Errorf("%s: read back as\n%+v, want\n%+v", in.ID, out, in)
		}
	}
}
