package scenario

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/wsbench/wsbench/loadgen/wire"
)

// roundTripConfigs covers every scenario in every variant, with every
// field of Config set somewhere, at zero elsewhere.
func roundTripConfigs() []Config {
	var out []Config
	for _, sc := range []string{"", Echo, Broadcast, Connect} {
		for _, v := range Variants {
			c := Config{URL: "ws://127.0.0.1:9", Scenario: sc}
			v.Apply(&c)
			out = append(out, c)
		}
	}
	out = append(out,
		Config{URL: "http://127.0.0.1:9", Proto: wire.HTTP, Scenario: Echo, Conns: 7, Window: 1, Size: 64,
			Duration: 1500 * time.Millisecond, Warmup: 0, Drain: time.Second, Hold: 0, Timeout: time.Minute,
			ServerPID: 42, LocalAddrs: 3, HTTP: wire.HTTPOptions{NewConnPerRequest: true}},
		Config{URL: "ws://127.0.0.1:9", Scenario: Echo, Rate: 1234.5, Size: MaxSize, Warmup: 3 * time.Second},
		Config{URL: "ws://127.0.0.1:9", Scenario: Echo, Conns: 19000, Rate: 950, Active: 0.05},
		Config{URL: "ws://127.0.0.1:9", Scenario: Broadcast, Rate: 10, Nodes: []string{"127.0.0.1:10", "127.0.0.2:11"}},
		Config{URL: "ws://127.0.0.1:9", Scenario: Broadcast, Rate: 0.5, Agent: 2, Agents: 4, StartAt: 1796212800000,
			RunID: 77, SourceAddr: "127.0.0.4"},
		Config{URL: "http://127.0.0.1:9", Scenario: Broadcast, Rate: 0.25, Publishers: 2, PollInterval: 50 * time.Millisecond,
			HTTP: wire.HTTPOptions{Subscribe: wire.SSE}},
		Config{URL: "ws://127.0.0.1:9", Scenario: Chat, Rooms: 100, Members: 10, Publishers: 3, Rate: 2.5, Hist: true},
		Config{URL: "ws://127.0.0.1:9", Scenario: Connect, Conns: 10000, ConnectRate: 500, DialConcurrency: 8,
			DialTimeout: 2 * time.Second, Hold: 1234567 * time.Microsecond},
	)
	return out
}

func TestArgsRoundTrip(t *testing.T) {
	for _, want := range roundTripConfigs() {
		args := want.Args()
		got, err := Parse(args)
		if err != nil {
			t.Errorf("%q: %v", args, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q:\n got %+v\nwant %+v", args, got, want)
		}
	}
}

func TestArgsLeaveOutDefaults(t *testing.T) {
	c := Config{Warmup: DefaultWarmup, Hold: DefaultHold, Spin: DefaultSpin}
	if a := c.Args(); len(a) != 0 {
		t.Errorf("a config of defaults has flags %q", a)
	}
	// Zero is meaningful for these three (no warm-up, no hold, sleep
	// until due): it is written out.
	c = Config{}
	if a := c.Args(); !slices.Equal(a, []string{"-warmup", "0s", "-hold", "0s", "-spin", "0s"}) {
		t.Errorf("no warm-up, no hold, no spin: %q", a)
	}
}

func TestParseRefuses(t *testing.T) {
	for _, args := range [][]string{
		{"-conns", "0"}, {"-window", "-1"}, {"-size", "x"}, {"-duration", "0s"}, {"-poll-interval", "soon"},
		{"-http-conn", "close"}, {"-subscribe", "push"}, {"-transport", "jsonp"}, {"-nonsense"}, {"extra"},
	} {
		_, err := Parse(args)
		var ue *UsageError
		if !errors.As(err, &ue) {
			t.Errorf("%q: error %v, want a usage error", args, err)
		}
	}
}

func TestVariantTable(t *testing.T) {
	names := map[string]bool{}
	for _, v := range Variants {
		if names[v.Name] || v.Describe == "" {
			t.Errorf("%s: repeated or undescribed", v.Name)
		}
		names[v.Name] = true
		if got, ok := LookupVariant(v.Name); !ok || got != v {
			t.Errorf("LookupVariant(%q) = %+v, %v", v.Name, got, ok)
		}
		c := Config{Scenario: Echo}
		if v.Broadcast {
			c.Scenario = Broadcast
		}
		v.Apply(&c)
		if got := c.Variant(); got != v.Name {
			t.Errorf("a config with variant %s applied is named %q", v.Name, got)
		}
		parsed, err := Parse(c.Args())
		if err != nil || parsed.Variant() != v.Name {
			t.Errorf("%s through its flags: %q, %v", v.Name, parsed.Variant(), err)
		}
	}
	if _, ok := LookupVariant("carrier-pigeon"); ok {
		t.Error("LookupVariant found an unknown name")
	}
}
