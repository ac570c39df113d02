package runner

import (
	"strconv"
	"time"

	"github.com/wsbench/wsbench/bench/config"
)

// baseURL is the URL the load generator gets for a server on addr.
func baseURL(proto, addr string) string {
	switch proto {
	case "http", "tcp":
		return proto + "://" + addr
	}
	return "ws://" + addr
}

// LoadgenArgs are the load generator flags for one trial of c (the CLI
// contract in the README). serverPID may be 0 (no server figures).
func LoadgenArgs(c config.Cell, addr string, serverPID int, jsonPath string, timeout time.Duration) []string {
	a := []string{
		"-url", baseURL(c.Proto, addr),
		"-proto", c.Proto,
		"-scenario", c.Scenario.LoadgenScenario(),
		"-conns", strconv.Itoa(c.Conns),
		"-json", jsonPath,
		"-timeout", timeout.String(),
	}
	if serverPID > 0 {
		a = append(a, "-server-pid", strconv.Itoa(serverPID))
	}
	switch c.Scenario {
	case config.EchoClosed:
		a = append(a, "-size", strconv.Itoa(c.PayloadBytes), "-window", strconv.Itoa(c.Window), "-rate", "0")
	case config.EchoOpen:
		a = append(a, "-size", strconv.Itoa(c.PayloadBytes), "-rate", ftoa(c.Rate))
	case config.Broadcast:
		a = append(a, "-size", strconv.Itoa(c.PayloadBytes), "-rate", ftoa(c.Rate))
		if c.Publishers > 0 {
			a = append(a, "-publishers", strconv.Itoa(c.Publishers))
		}
		if c.PollInterval > 0 {
			a = append(a, "-poll-interval", c.PollInterval.String())
		}
	case config.Connect:
		a = append(a, "-hold", c.Hold.String())
		if c.ConnectRate > 0 {
			a = append(a, "-connect-rate", ftoa(c.ConnectRate))
		}
		if c.DialConcurrency > 0 {
			a = append(a, "-dial-concurrency", strconv.Itoa(c.DialConcurrency))
		}
	}
	if c.Scenario != config.Connect {
		a = append(a, "-warmup", c.Warmup.String(), "-duration", c.Duration.String())
	}
	return append(a, c.Variant.LoadgenFlags()...)
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
