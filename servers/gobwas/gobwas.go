// Package gobwas is a placeholder until its server is written.
package gobwas

import "github.com/wsbench/wsbench/servers/server"

// New is not implemented yet.
func New(env *server.Env) server.Server { panic("gobwas: not implemented") }
