package chatmatrix

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/wsbench/wsbench/bench/record"
	"github.com/wsbench/wsbench/loadgen/scenario"
	"github.com/wsbench/wsbench/loadgen/wire"
)

// Lib is a library of the matrix: its name and the load generator's
// protocol for it (ws or sockjs).
type Lib struct {
	Name  string `json:"name"`
	Proto string `json:"proto"`
}

// ShapeResult is one library's capacity search in one shape.
type ShapeResult struct {
	Lib      string   `json:"lib"`
	Shape    Shape    `json:"shape"`
	Points   []Point  `json:"points"` // in the order walked
	Capacity Capacity `json:"capacity"`
}

// CrowdResult is one library's idle-crowd run, echo or chat.
type CrowdResult struct {
	Lib  string `json:"lib"`
	Kind string `json:"kind"` // "echo" or "chat"
	// Conns connections, Active of them sending, at Offered messages per
	// second in total (chat: deliveries per second).
	Conns     int     `json:"conns"`
	Connected int64   `json:"connected"`
	Active    int     `json:"active"`
	Offered   float64 `json:"offered_per_sec"`
	// Latency of the active connections: echo round trip, or chat
	// delivery, from the scheduled send time.
	P50US             float64 `json:"p50_us"`
	P99US             float64 `json:"p99_us"`
	Count             int64   `json:"count"`
	Lost              int64   `json:"lost"`
	Duplicated        int64   `json:"duplicated"`
	Reordered         int64   `json:"reordered"`
	ServerCPUUtil     float64 `json:"server_cpu_util,omitempty"`
	ServerCPUUSPerMsg float64 `json:"server_cpu_us_per_msg,omitempty"`
	RSSPerConnBytes   float64 `json:"rss_per_conn_bytes,omitempty"`
	SendLagP99US      float64 `json:"send_lag_p99_us"`
	// ForeignCPUUtil is as in Point.
	ForeignCPUUtil float64 `json:"foreign_cpu_util,omitempty"`
	// Good is the run without failure, loss, duplicate or reordering, the
	// schedule kept; Behind marks a load generator that missed it.
	Good   bool    `json:"good"`
	Behind bool    `json:"behind,omitempty"`
	Why    string  `json:"why,omitempty"`
	Log    string  `json:"log"`
	WallS  float64 `json:"wall_s"`
}

// Results is results.json of a chat run.
type Results struct {
	Name        string             `json:"name"`
	StartedAt   string             `json:"started_at"`
	FinishedAt  string             `json:"finished_at,omitempty"`
	ElapsedS    float64            `json:"elapsed_s"`
	PlannedS    float64            `json:"planned_s"`
	Seed        uint64             `json:"seed"`
	Order       []string           `json:"order"` // libraries in the order run
	Config      Config             `json:"config"`
	Environment record.Environment `json:"environment"`
	Warnings    []string           `json:"warnings,omitempty"`
	Capacity    []ShapeResult      `json:"capacity"`
	Crowd       []CrowdResult      `json:"crowd"`
	Claim       []ClaimCell        `json:"claim,omitempty"`
	Complete    bool               `json:"complete"`
}

// Measure runs the load generator once with lc against a fresh server of
// lib, logs under name (bench/runner.Runner.Once).
type Measure func(ctx context.Context, lib, name string, lc scenario.Config, estimate time.Duration) record.Trial

// Run runs the matrix into res: the libraries in an order shuffled with
// res.Seed, each one's searches then its crowd. progress gets one line per
// run; save is called after every run. It returns ctx's error when
// interrupted (res.Complete stays false).
func (c Config) Run(ctx context.Context, libs []Lib, measure Measure, res *Results, progress func(string), save func()) error {
	order := append([]Lib(nil), libs...)
	rand.New(rand.NewPCG(res.Seed, 0)).Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	for _, l := range order {
		res.Order = append(res.Order, l.Name)
	}
	for _, l := range order {
		for _, s := range c.Shapes {
			sr := ShapeResult{Lib: l.Name, Shape: s}
			res.Capacity = append(res.Capacity, sr)
			cur := &res.Capacity[len(res.Capacity)-1]
			for {
				rate, ok := c.Search.Next(cur.Points)
				if !ok {
					break
				}
				name := fmt.Sprintf("%s_%s_%s", l.Name, s.Name, strconv.FormatFloat(rate, 'g', -1, 64))
				t := measure(ctx, l.Name, name, c.chatLoadgen(l, s, rate), c.RunEstimate(s.Conns()))
				if ctx.Err() != nil {
					return ctx.Err()
				}
				p := Judge(rate, s.Deliveries(rate), t.Result, t.Error, c.Search)
				p.Log, p.WallS = name, t.WallS
				cur.Points = append(cur.Points, p)
				cur.Capacity = CapacityOf(cur.Points)
				progress(pointLine(l.Name, s.Name, p))
				save()
			}
		}
		if c.Crowd.Conns == 0 {
			continue
		}
		for _, kind := range []string{"echo", "chat"} {
			name := fmt.Sprintf("%s_crowd-%s", l.Name, kind)
			lc, offered := c.crowdLoadgen(l, kind)
			m := measure
			if c.CrowdMeasure != nil {
				m = c.CrowdMeasure
			}
			t := m(ctx, l.Name, name, lc, c.CrowdRunEstimate())
			if ctx.Err() != nil {
				return ctx.Err()
			}
			cr := crowdResult(l.Name, kind, c.Crowd, offered, t, c.Search.Lag)
			cr.Log = name
			res.Crowd = append(res.Crowd, cr)
			progress(crowdLine(cr))
			save()
		}
	}
	if err := c.runClaim(ctx, libs, measure, res, progress, save); err != nil {
		return err
	}
	res.Complete = true
	return nil
}

// common is the load generator configuration every run shares.
func (c Config) common(l Lib) scenario.Config {
	return scenario.Config{
		URL:      "ws://", // the runner puts the server's address in
		Proto:    wire.Proto(l.Proto),
		Warmup:   c.Warmup,
		Duration: c.Duration,
		Drain:    c.Drain,
		Hold:     scenario.DefaultHold, // unused: left out of the flags
		Spin:     scenario.DefaultSpin,
	}
}

// chatLoadgen is the load generator's configuration for shape s at rate
// per publisher.
func (c Config) chatLoadgen(l Lib, s Shape, rate float64) scenario.Config {
	lc := c.common(l)
	lc.Scenario = scenario.Chat
	lc.Rooms, lc.Members, lc.Publishers, lc.Rate = s.Rooms, s.Members, s.Publishers, rate
	return lc
}

// crowdLoadgen is the crowd's configuration of kind echo or chat, and the
// messages per second it offers (chat: deliveries).
func (c Config) crowdLoadgen(l Lib, kind string) (scenario.Config, float64) {
	cr := c.Crowd
	if kind == "chat" {
		s := cr.ChatShape()
		lc := c.chatLoadgen(l, s, cr.ChatRate)
		lc.Duration = c.crowdDuration()
		return lc, s.Deliveries(cr.ChatRate)
	}
	lc := c.common(l)
	lc.Duration = c.crowdDuration()
	lc.Scenario = scenario.Echo
	lc.Conns, lc.Active, lc.Size = cr.Conns, cr.Active, cr.EchoSize
	lc.Rate = cr.EchoRate * float64(cr.ActiveConns())
	return lc, lc.Rate
}

func crowdResult(lib, kind string, cr Crowd, offered float64, t record.Trial, lag time.Duration) CrowdResult {
	out := CrowdResult{Lib: lib, Kind: kind, Conns: cr.Conns, Offered: offered, Why: t.Error, WallS: t.WallS}
	if kind == "chat" {
		out.Active = cr.ChatShape().Rooms
	} else {
		out.Active = cr.ActiveConns()
	}
	res := t.Result
	if res == nil {
		if out.Why == "" {
			out.Why = "no result"
		}
		return out
	}
	out.Connected = res.Connected
	if res.SendLagUS != nil {
		out.SendLagP99US = res.SendLagUS.P99
	}
	if res.Foreign != nil {
		out.ForeignCPUUtil = res.Foreign.CPUUtil
	}
	lat := res.LatencyUS
	if kind == "chat" && res.DeliveryUS != nil {
		lat = *res.DeliveryUS
	}
	out.P50US, out.P99US, out.Count = lat.P50, lat.P99, lat.Count
	out.Lost, out.Duplicated, out.Reordered = res.Lost, res.Duplicated, res.Reordered
	if s := res.Server; s != nil {
		out.ServerCPUUtil, out.ServerCPUUSPerMsg, out.RSSPerConnBytes = s.CPUUtil, s.CPUUSPerMsg, s.RSSPerConnBytes
	}
	switch {
	case out.Why != "":
	case res.Failed:
		out.Why = res.Failure
	case out.Lost+out.Duplicated+out.Reordered > 0:
		out.Why = fmt.Sprintf("lost %d, duplicated %d, reordered %d", out.Lost, out.Duplicated, out.Reordered)
	case out.Count == 0:
		out.Why = "no message measured"
	default:
		if why := Behind(res, lag); why != "" {
			out.Behind, out.Why = true, "load generator behind: "+why
		} else {
			out.Good = true
		}
	}
	return out
}

func pointLine(lib, shape string, p Point) string {
	verdict := "good"
	if !p.Good {
		verdict = p.Why
	}
	return fmt.Sprintf("%s %s %g/s per publisher: delivered %.0f/s of %.0f, p99 %.1f ms: %s (%.1fs)",
		lib, shape, p.Rate, p.Delivered, p.Offered, p.DeliveryP99US/1e3, verdict, p.WallS)
}

func crowdLine(c CrowdResult) string {
	verdict := "good"
	if !c.Good {
		verdict = c.Why
	}
	return fmt.Sprintf("%s crowd %s: %d connections, %d active, p99 %.1f ms, %.0f B/conn: %s (%.1fs)",
		c.Lib, c.Kind, c.Connected, c.Active, c.P99US/1e3, c.RSSPerConnBytes, verdict, c.WallS)
}
