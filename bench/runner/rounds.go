package runner

import (
	"math/rand/v2"
	"slices"

	"github.com/wsbench/wsbench/bench/config"
	"github.com/wsbench/wsbench/bench/record"
)

// The order of the trials. A VM slows down for minutes at a time; trials
// in a fixed order put a slow period on the same neighbours every time,
// and trials of one cell far apart let it fall between two libraries'
// trials of the same cell. So the runner measures in rounds: round r runs
// trial r of every cell that has one, column by column (a column is the
// cells that differ only by their row: see config.Cell.Column), the
// entries of a column back to back, in an order drawn afresh for every
// round. A slow minute then hits a column's entries in the same round, in
// no fixed order, and record.Calibrate can take it out.
//
// The drift check stays: the round reference takes out what the entries
// of one round share, so it cannot see the whole machine running faster
// or slower at the end of the run than at its start; measuring the first
// cell again after the last round does, and says whether the run's
// absolute figures (not its ratios) moved.

// slot is one trial in the schedule: cell index and round (= trial number).
type slot struct {
	cell, round int
}

// pcgStream is the PCG's second seed word: fixed, so that the seed alone
// repeats a run's order.
const pcgStream = 0x5753_4245_4e43_4821

// schedule orders the trials of cells: the rounds with their entry orders
// drawn from seed, and every trial as a slot. Columns run in matrix order:
// by scenario in config.Scenarios order (closed loop first, so that an
// open-loop cell's capacity reference is measured before it in every
// round), then by first appearance in cells.
func schedule(cells []config.Cell, trials func(config.Cell) int, seed uint64) ([]slot, []record.Round) {
	var columns, entries []string
	byColumn := map[string]map[string]int{} // column -> entry -> cell index
	rank := map[string]int{}                // column -> its scenario's place
	rounds := 0
	for i, c := range cells {
		col, row := c.Column(), c.Row()
		if byColumn[col] == nil {
			byColumn[col] = map[string]int{}
			columns = append(columns, col)
			rank[col] = slices.Index(config.Scenarios, c.Scenario)
		}
		byColumn[col][row] = i
		if !slices.Contains(entries, row) {
			entries = append(entries, row)
		}
		rounds = max(rounds, trials(c))
	}
	slices.SortStableFunc(columns, func(a, b string) int { return rank[a] - rank[b] })

	rng := rand.New(rand.NewPCG(seed, pcgStream))
	var slots []slot
	var order []record.Round
	for r := 1; r <= rounds; r++ {
		perm := slices.Clone(entries)
		rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		order = append(order, record.Round{Index: r, Order: perm})
		for _, col := range columns {
			for _, e := range perm {
				i, ok := byColumn[col][e]
				if ok && r <= trials(cells[i]) {
					slots = append(slots, slot{cell: i, round: r})
				}
			}
		}
	}
	return slots, order
}
