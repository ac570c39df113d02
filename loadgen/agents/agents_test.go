package agents

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/wsbench/wsbench/loadgen/histmerge"
	"github.com/wsbench/wsbench/loadgen/histo"
	"github.com/wsbench/wsbench/loadgen/result"
)

// agentResult is a broadcast result of one agent with the given latencies
// (ns) and fan-out times.
func agentResult(t *testing.T, lat, fan []int64, lost int64) *result.Result {
	t.Helper()
	enc := func(vs []int64) (string, result.Latency) {
		s := histo.NewSink(1)
		r := s.NewRecorder()
		for _, v := range vs {
			r.Record(v)
		}
		r.Flush()
		e, err := histmerge.Encode(s.Merged())
		if err != nil {
			t.Fatal(err)
		}
		return e, histo.Summary(s.Merged())
	}
	r := &result.Result{Scenario: "broadcast", Mode: "open", Proto: "ws", Variant: "ws", PayloadBytes: 64,
		Conns: 10, Publishers: 1, Sent: int64(len(fan)), Received: int64(len(lat)), Expected: int64(len(lat)) + lost,
		Lost: lost, MsgsPerSec: float64(len(lat)), DurationS: 1, Errors: map[string]int64{"read_eof": lost}}
	var f result.Latency
	r.LatencyHist, r.LatencyUS = enc(lat)
	r.FanoutLastHist, f = enc(fan)
	r.FanoutLastUS = &f
	return r
}

func TestMergeAddsUpAndReadsMergedHistograms(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	var all []int64
	var rs []*result.Result
	for a := range 3 {
		lat := make([]int64, 1000*(a+1)) // agents of different sizes
		for i := range lat {
			lat[i] = 1000 + rnd.Int64N(int64(a+1)*1e6)
		}
		all = append(all, lat...)
		rs = append(rs, agentResult(t, lat, lat[:len(lat)/10], int64(a)))
	}
	m, err := Merge(rs)
	if err != nil {
		t.Fatal(err)
	}
	var recv, lost, sent, conns int64
	var rate float64
	for _, r := range rs {
		recv, lost, sent, conns = recv+r.Received, lost+r.Lost, sent+r.Sent, conns+int64(r.Conns)
		rate += r.MsgsPerSec
	}
	if m.Received != recv || m.Lost != lost || m.Sent != sent || int64(m.Conns) != conns || m.MsgsPerSec != rate || m.Errors["read_eof"] != lost {
		t.Fatalf("merged counts %+v", m)
	}
	one := histo.NewSink(1)
	r := one.NewRecorder()
	for _, v := range all {
		r.Record(v)
	}
	r.Flush()
	if want := histo.Summary(one.Merged()); m.LatencyUS != want || m.LatencyUS.Count != recv {
		t.Fatalf("merged latency %+v, one histogram of every sample %+v", m.LatencyUS, want)
	}
	if m.FanoutLastUS == nil || m.FanoutLastUS.Count != sent {
		t.Fatalf("fan-out %+v, want %d samples", m.FanoutLastUS, sent)
	}
	if len(m.LatencyCurve) == 0 || m.PerConn != nil || m.Server != nil {
		t.Fatalf("curve %d points, per-conn %v, server %v", len(m.LatencyCurve), m.PerConn, m.Server)
	}
}

func TestMergeRefuses(t *testing.T) {
	a := agentResult(t, []int64{1000}, []int64{1000}, 0)
	other := agentResult(t, []int64{1000}, []int64{1000}, 0)
	other.Scenario = "echo"
	noHist := agentResult(t, []int64{1000}, []int64{1000}, 0)
	noHist.LatencyHist = ""
	for _, tc := range []struct {
		rs   []*result.Result
		want string
	}{
		{nil, "no result"},
		{[]*result.Result{a, other}, "not one scenario"},
		{[]*result.Result{a, noHist}, "-hist"},
	} {
		if _, err := Merge(tc.rs); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want an error mentioning %q", err, tc.want)
		}
	}
}
