//go:build !race

package nbio

import "github.com/lesismal/nbio/nbhttp"

// raceHandoff is a no-op outside race builds (see race.go).
func raceHandoff(*nbhttp.Engine) {}
