package runner

import (
	"slices"
	"testing"

	"github.com/wsbench/wsbench/bench/config"
)

var testLibs = []config.Lib{
	{Name: "gorilla", Proto: "ws"}, {Name: "gws", Proto: "ws"}, {Name: "rest", Proto: "http"},
	{Name: "sockjs", Proto: "sockjs"}, {Name: "tcp", Proto: "ws"},
}

// defaultCells is the reference matrix over libraries of every protocol,
// with its variants.
func defaultCells() []config.Cell { return config.Default().Cells(testLibs) }

// reversedCells is the reference matrix with its scenarios listed in
// reverse (a matrix file may list them in any order).
func reversedCells() []config.Cell {
	cfg := config.Default()
	slices.Reverse(cfg.Scenarios)
	return cfg.Cells(testLibs)
}

func cellTrials(c config.Cell) int { return c.Trials }

// Every trial is scheduled once, in its round; every round's order is a
// permutation of the entries; within a round the cells of a column run
// back to back in that order.
func TestScheduleRounds(t *testing.T) {
	for _, cells := range [][]config.Cell{defaultCells(), reversedCells()} {
		checkSchedule(t, cells)
	}
}

func checkSchedule(t *testing.T, cells []config.Cell) {
	t.Helper()
	slots, rounds := schedule(cells, cellTrials, 42)
	var entries []string
	maxTrials := 0
	for _, c := range cells {
		if !slices.Contains(entries, c.Row()) {
			entries = append(entries, c.Row())
		}
		maxTrials = max(maxTrials, c.Trials)
	}
	if len(rounds) != maxTrials {
		t.Fatalf("%d rounds, want %d", len(rounds), maxTrials)
	}
	for i, r := range rounds {
		if r.Index != i+1 {
			t.Errorf("round %d has index %d", i+1, r.Index)
		}
		if got := slices.Sorted(slices.Values(r.Order)); !slices.Equal(got, slices.Sorted(slices.Values(entries))) {
			t.Errorf("round %d order %v is not a permutation of %v", r.Index, r.Order, entries)
		}
	}
	seen := map[int][]int{} // cell -> rounds
	for k, s := range slots {
		seen[s.cell] = append(seen[s.cell], s.round)
		if k == 0 {
			continue
		}
		if s.round < slots[k-1].round {
			t.Fatalf("slot %d: round %d after round %d", k, s.round, slots[k-1].round)
		}
		// Within a round the scenarios come in config.Scenarios order:
		// every closed-loop column (variants included) first.
		prev, cur := cells[slots[k-1].cell], cells[s.cell]
		if s.round == slots[k-1].round && slices.Index(config.Scenarios, cur.Scenario) < slices.Index(config.Scenarios, prev.Scenario) {
			t.Errorf("round %d: %s after %s", s.round, cur.ID(), prev.ID())
		}
	}
	for i, c := range cells {
		want := make([]int, c.Trials)
		for n := range want {
			want[n] = n + 1
		}
		if !slices.Equal(seen[i], want) {
			t.Errorf("%s: rounds %v, want %v", c.ID(), seen[i], want)
		}
	}
	// Back to back and in the round's order: a column, once left, does not
	// come back in the same round, and its entries follow the order.
	done := map[[2]any]bool{}
	for k, s := range slots {
		col := cells[s.cell].Column()
		if k > 0 && slots[k-1].round == s.round && cells[slots[k-1].cell].Column() == col {
			order := rounds[s.round-1].Order
			if slices.Index(order, cells[slots[k-1].cell].Row()) >= slices.Index(order, cells[s.cell].Row()) {
				t.Errorf("round %d, %s: %s before %s against the order %v", s.round, col, cells[slots[k-1].cell].Row(), cells[s.cell].Row(), order)
			}
			continue
		}
		key := [2]any{s.round, col}
		if done[key] {
			t.Errorf("round %d: column %s split", s.round, col)
		}
		done[key] = true
	}
}

// The seed decides the order: the same seed repeats it, rounds of one
// run differ.
func TestScheduleSeed(t *testing.T) {
	cells := defaultCells()
	a, ra := schedule(cells, cellTrials, 7)
	b, rb := schedule(cells, cellTrials, 7)
	if !slices.Equal(a, b) || len(ra) != len(rb) {
		t.Fatal("the same seed gave another schedule")
	}
	for i := range ra {
		if !slices.Equal(ra[i].Order, rb[i].Order) {
			t.Fatalf("round %d: %v vs %v", i+1, ra[i].Order, rb[i].Order)
		}
	}
	allSame := true
	for i := 1; i < len(ra); i++ {
		allSame = allSame && slices.Equal(ra[i].Order, ra[0].Order)
	}
	if allSame {
		t.Errorf("every round has the order %v", ra[0].Order)
	}
	_, rc := schedule(cells, cellTrials, 8)
	if slices.Equal(ra[0].Order, rc[0].Order) && slices.Equal(ra[1].Order, rc[1].Order) {
		t.Errorf("seeds 7 and 8 gave the same orders")
	}
}

// An open-loop cell at a fraction of capacity needs its library's
// closed-loop cell measured first: in every round, under any seed, the
// closed-loop trial comes before it.
func TestScheduleCapacityBeforeLoad(t *testing.T) {
	for _, cells := range [][]config.Cell{defaultCells(), reversedCells()} {
		checkCapacityBeforeLoad(t, cells)
	}
}

func checkCapacityBeforeLoad(t *testing.T, cells []config.Cell) {
	t.Helper()
	loads := 0
	for seed := range uint64(20) {
		slots, _ := schedule(cells, cellTrials, seed)
		pos := map[[2]int]int{} // (cell, round) -> place in the schedule
		for k, s := range slots {
			pos[[2]int{s.cell, s.round}] = k
		}
		for i, c := range cells {
			if c.Load == 0 {
				continue
			}
			loads++
			ref := slices.IndexFunc(cells, func(k config.Cell) bool {
				return k.Lib == c.Lib && k.Scenario == config.EchoClosed && !k.Extra && k.PayloadBytes == c.PayloadBytes && k.Conns == c.Conns
			})
			if ref < 0 {
				t.Fatalf("%s: no closed-loop cell", c.ID())
			}
			for r := 1; r <= c.Trials; r++ {
				if pos[[2]int{ref, r}] >= pos[[2]int{i, r}] {
					t.Errorf("seed %d round %d: %s runs before its capacity %s", seed, r, c.ID(), cells[ref].ID())
				}
			}
		}
	}
	if loads == 0 {
		t.Fatal("the reference matrix has no open-loop cell at a fraction of capacity")
	}
}
