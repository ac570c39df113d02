package config

import (
	"fmt"
	"slices"
	"time"

	"github.com/wsbench/wsbench/loadgen/payload"
	"github.com/wsbench/wsbench/servers/server"
)

// Compression makes a matrix a compression matrix (Config.Compression):
// every cell of its echo and broadcast specs is measured for each
// permessage-deflate variant a library supports and each workload, instead
// of at the specs' sizes; its connect spec (idle connections, each of which
// has sent one message and had it back) once per variant, for the memory
// an idle connection holds with the extension negotiated. The reference
// matrix (Default) adds its cells to its own (ReferenceCompression); its
// other cells run every server as its library ships, compression off.
type Compression struct {
	// Modes are the servers' permessage-deflate modes (servers -deflate):
	// off, no-context-takeover, context-takeover. A library runs the
	// variants of these modes it declares (Variants), at each level it
	// declares; off is its baseline.
	Modes []server.DeflateMode `json:"modes"`
	// Workloads are what the messages carry, each at its own size.
	Workloads []Workload `json:"workloads"`
	// Variants are the permessage-deflate variants besides off that lib
	// declares (the registry's data, which the caller sets). Libraries
	// with none (and every library, while it is nil) have no cells.
	Variants func(lib string) []server.Deflate `json:"-"`
	// Scenarios, when set, are the specs of the compression cells, which
	// are then added to the matrix's own cells (the reference matrix,
	// Default); unset, the compression cells use the matrix's specs and
	// are its only cells (CompressionMatrix).
	Scenarios []Spec `json:"scenarios,omitempty"`
}

// specs are the specs the compression cells of c use.
func (k *Compression) specs(c Config) []Spec {
	if len(k.Scenarios) > 0 {
		return k.Scenarios
	}
	return c.Scenarios
}

// MaxFixedRateBytes is the most payload bytes per second a compression
// matrix's fixed-rate echo offers (Workload.Rate): at 1,000 messages/s of
// 16 KiB, servers that compress at a high level (gobwas/ws's default
// level 9) or escape every quote of a JSON document (SockJS's framing)
// spend more than a quarter of a CPU per second, the servers' quota
// (runner.DefaultServerCPUQuota), so the queue grew for the whole trial
// and messages still queued after the drain counted as lost; a latency at
// a fixed rate means something only below every library's capacity.
const MaxFixedRateBytes = 4 << 20

// Workload is one payload kind at one message size (the load generator's
// -payload and -size).
type Workload struct {
	Payload payload.Kind `json:"payload"`
	Size    int          `json:"size"`
	// Rate is the echo-open offered rate of this workload (messages/s,
	// all connections); 0 keeps the spec's.
	Rate float64 `json:"rate,omitempty"`
}

// compressionWorkloads are the three workloads: chat-like JSON at the
// spec's rate, 16 KiB JSON documents and 16 KiB of random bytes at
// MaxFixedRateBytes.
func compressionWorkloads() []Workload {
	const big = 16384
	return []Workload{
		{Payload: payload.ChatJSON, Size: 256},
		{Payload: payload.JSON, Size: big, Rate: MaxFixedRateBytes / big},
		{Payload: payload.Random, Size: big, Rate: MaxFixedRateBytes / big},
	}
}

// CompressionMatrix is the matrix behind `make bench-compression`: echo at
// a fixed moderate rate (100 connections, 1,000 msgs/s) and broadcast to
// 1,000 subscribers (5 publishes/s), for every library that supports
// permessage-deflate, in each variant it declares (modes, and levels where
// its default is not the fastest) and off, on chat-like JSON
// (256-byte messages), 16 KiB JSON documents and 16 KiB of random bytes,
// and 2,000 idle connections that have each echoed one message (memory
// per connection with the extension negotiated: context takeover keeps a
// window, and in some libraries a compressor, per connection). Two trials
// per cell: a first look at what compression costs and saves,
// not a ranking; under ten minutes on 2 cores. The load generator offers
// the extension as a browser does when the server's mode is not off.
func CompressionMatrix() Config {
	return Config{
		Trials:   2,
		Warmup:   D(250 * time.Millisecond),
		Duration: D(time.Second),
		Scenarios: []Spec{
			{Scenario: EchoOpen, Sizes: []int{16384}, Conns: []int{100}, Rate: 1000},
			{Scenario: Broadcast, Sizes: []int{16384}, Conns: []int{1000}, Rate: 5, Publishers: 1},
			{Scenario: Connect, Conns: []int{2000}, Hold: D(time.Second)},
		},
		Compression: &Compression{Modes: server.DeflateModes, Workloads: compressionWorkloads()},
	}
}

// ReferenceCompressionBudget is the most the compression cells may add
// to the reference run's estimate (DefaultCosts, which runs about a
// quarter short of the wall time on the reference machine).
const ReferenceCompressionBudget = 7 * time.Minute

// ReferenceCompression is the compression part of the reference matrix
// (Default): the cells of CompressionMatrix, every supported variant on
// the three workloads, with fewer trials where a second adds little
// within the reference run's budget (about seven minutes on 2 cores):
// the fixed-rate echo, whose latency is the noisiest figure, keeps two;
// broadcast and the idle connections, whose bytes and memory hardly vary
// from one trial to the next, get one.
func ReferenceCompression() *Compression {
	k := CompressionMatrix()
	k.Compression.Scenarios = k.Scenarios
	for i := range k.Compression.Scenarios {
		s := &k.Compression.Scenarios[i]
		s.Trials = 1
		if s.Scenario == EchoOpen {
			s.Trials = k.Trials
		}
	}
	return k.Compression
}

// validate checks the compression part of c.
func (k *Compression) validate(c Config) error {
	if len(k.Modes) == 0 || len(k.Workloads) == 0 {
		return fmt.Errorf("compression: needs modes and workloads")
	}
	for _, m := range k.Modes {
		if !slices.Contains(server.DeflateModes, m) {
			return fmt.Errorf("compression: unknown mode %q", m)
		}
	}
	for _, w := range k.Workloads {
		if _, err := payload.ParseKind(string(w.Payload)); err != nil {
			return fmt.Errorf("compression: %w", err)
		}
		if w.Size < payload.HeaderSize {
			return fmt.Errorf("compression: workload %s: size %d is below the %d-byte header", w.Payload, w.Size, payload.HeaderSize)
		}
	}
	for _, s := range k.specs(c) {
		if len(s.Loads) > 0 {
			return fmt.Errorf("compression: %s: loads depend on a capacity per library; use rates", s.Scenario)
		}
	}
	return nil
}

// compressionCells expands a compression matrix (see Compression). Its
// cells are outside the library matrix (Cell.Extra): the rankings of the
// reference run compare libraries as they ship, compression off.
func (c Config) compressionCells(libs []Lib) []Cell {
	k := c.Compression
	var out []Cell
	for _, l := range libs {
		if l.Proto != "ws" && l.Proto != "sockjs" || k.Variants == nil {
			continue
		}
		var variants []server.Deflate
		for _, d := range k.Variants(l.Name) {
			if slices.Contains(k.Modes, d.Mode) {
				variants = append(variants, d)
			}
		}
		if len(variants) == 0 {
			continue // nothing to compare with off: the library has no permessage-deflate
		}
		if slices.Contains(k.Modes, server.DeflateOff) {
			variants = append([]server.Deflate{{Mode: server.DeflateOff}}, variants...)
		}
		for _, d := range variants {
			for _, s := range k.specs(c) {
				base := VariantSpec{Variant: DefaultVariant(l.Proto, s.Scenario)}
				if s.Scenario == Connect {
					for _, cell := range c.expand(l, s, base, true) {
						cell.Deflate = d.String()
						out = append(out, cell)
					}
					continue
				}
				for _, w := range k.Workloads {
					ws := s
					ws.Sizes = []int{w.Size}
					if w.Rate > 0 && s.Scenario == EchoOpen {
						ws.Rate, ws.Rates = w.Rate, nil
					}
					for _, cell := range c.expand(l, ws, base, true) {
						cell.Deflate, cell.PayloadKind = d.String(), w.Payload
						out = append(out, cell)
					}
				}
			}
		}
	}
	return out
}
