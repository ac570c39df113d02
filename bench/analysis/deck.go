package analysis

import "github.com/wsbench/wsbench/bench/config"

// DeckRankings are the findings whose rankings the deck shows, in deck
// order: closed-loop throughput at every size, latency at the deck's
// offered rate, server CPU per message, memory per idle connection and
// broadcast fan-out. `bench -compare` judges reproducibility over them.
func DeckRankings(m *Model) []*Finding {
	var out []*Finding
	add := func(f *Finding) {
		if f != nil {
			out = append(out, f)
		}
	}
	sizes, _ := Axes(m.run, config.EchoClosed)
	for _, s := range sizes {
		add(m.Finding(IDThroughput(s)))
	}
	add(DeckLatency(m))
	if len(sizes) > 0 {
		add(m.Finding(IDCPU(PreferredSize(sizes))))
	}
	add(m.Finding(IDMemory))
	add(m.Finding(IDFanout))
	return out
}
