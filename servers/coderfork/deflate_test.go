package coderfork

import (
	"testing"

	"github.com/wsbench/wsbench/servers/server"
)

func TestCompressionModesOf(t *testing.T) {
	m := CompressionModes[string]{Disabled: "disabled", NoContextTakeover: "nct", ContextTakeover: "ct"}
	for d, want := range map[server.Deflate]string{
		{}:                                      "disabled",
		{Mode: server.DeflateOff}:               "disabled",
		{Mode: server.DeflateNoContextTakeover}: "nct",
		{Mode: server.DeflateContextTakeover}:   "ct",
		{Mode: server.DeflateContextTakeover, Level: server.LevelFastest}: "ct",
	} {
		if got := m.Of(d); got != want {
			t.Errorf("%+v: %q, want %q", d, got, want)
		}
	}
}
