package histmerge

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/wsbench/wsbench/loadgen/histo"
)

// samples returns n latencies in nanoseconds from a heavy-tailed
// distribution (log-normal around 100 µs), the same on every call.
func samples(n int, seed uint64) []int64 {
	r := rand.New(rand.NewPCG(seed, seed+1))
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(100e3 * math.Exp(1.5*r.NormFloat64()))
	}
	return out
}

// agent records its share of the samples the way the load generator does
// (a Sink and a Recorder) and returns the encoded histogram.
func agent(t *testing.T, vs []int64) string {
	t.Helper()
	s := histo.NewSink(4)
	r := s.NewRecorder()
	for _, v := range vs {
		r.Record(v)
	}
	r.Flush()
	enc, err := Encode(s.Merged())
	if err != nil {
		t.Fatal(err)
	}
	return enc
}

func TestMergeEqualsOneProcess(t *testing.T) {
	all := samples(200_000, 7)
	// Agents of unequal size, one of them empty.
	cuts := []int{0, len(all) / 7, len(all) / 7, len(all) / 2, len(all)}
	var encoded []string
	var sum int64
	for i := 1; i < len(cuts); i++ {
		part := all[cuts[i-1]:cuts[i]]
		encoded = append(encoded, agent(t, part))
		h, err := Decode(encoded[len(encoded)-1])
		if err != nil {
			t.Fatal(err)
		}
		if h.TotalCount() != int64(len(part)) {
			t.Fatalf("agent %d: decoded count %d, recorded %d", i, h.TotalCount(), len(part))
		}
		sum += h.TotalCount()
	}

	merged, err := Merge(encoded)
	if err != nil {
		t.Fatal(err)
	}
	one := histo.New() // every sample recorded in one process
	for _, v := range all {
		if err := one.RecordValue(v); err != nil {
			t.Fatal(err)
		}
	}

	if merged.TotalCount() != sum || sum != one.TotalCount() {
		t.Fatalf("merged count %d, sum of agents %d, one process %d", merged.TotalCount(), sum, one.TotalCount())
	}
	if !merged.Equals(one) {
		t.Fatal("merged buckets differ from the one-process histogram")
	}
	for _, q := range []float64{0, 1, 50, 90, 99, 99.9, 99.99, 100} {
		if m, o := merged.ValueAtQuantile(q), one.ValueAtQuantile(q); m != o {
			t.Errorf("p%v: merged %d ns, one process %d ns", q, m, o)
		}
	}
	if m, o := histo.Summary(merged), histo.Summary(one); m != o {
		t.Errorf("summary: merged %+v, one process %+v", m, o)
	}
	if merged.Min() != one.Min() || merged.Max() != one.Max() {
		t.Errorf("min/max: merged %d/%d, one process %d/%d", merged.Min(), merged.Max(), one.Min(), one.Max())
	}
}

func TestMergeRefusesOtherLayout(t *testing.T) {
	a := agent(t, samples(100, 1))
	other := hdrhistogram.New(1, histo.Highest, 2)
	_ = other.RecordValue(1000)
	b, err := Encode(other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Merge([]string{a, b}); err == nil {
		t.Fatal("merged histograms of different precision")
	}
}

func TestMergeBadInput(t *testing.T) {
	if _, err := Merge(nil); err != ErrNone {
		t.Fatalf("no histogram: %v", err)
	}
	if _, err := Merge([]string{"not base64!"}); err == nil {
		t.Fatal("decoded garbage")
	}
}
