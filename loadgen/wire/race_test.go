//go:build race

package wire

// raceEnabled: the race detector makes sync.Pool drop what is put back
// at random, so pooled objects are made again: allocation counts of code
// that pools do not hold.
const raceEnabled = true
