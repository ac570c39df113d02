package analysis

import (
	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/server"
)

// Role is what an entry of the matrix is (the registry's own field): a
// library under test, one of our own implementations, the ceiling or a
// baseline. Only libraries and our own implementations are ranked; the
// ceiling and baselines are drawn beside a ranking as reference rows.
type Role = server.Role

// The roles.
const (
	RoleLibrary  = server.RoleLibrary
	RoleOwn      = server.RoleOwn
	RoleCeiling  = server.RoleCeiling
	RoleBaseline = server.RoleBaseline
)

// ranks reports whether entries of role r take part in rankings.
func ranks(r Role) bool { return !r.Reference() }

// RoleOf is lib's role, from the registry; a name the registry does not
// know (a run recorded with a library since removed) counts as a library.
func RoleOf(lib string) Role {
	l, ok := registry.Lookup(lib)
	if !ok || l.Role == "" {
		return RoleLibrary
	}
	return l.Role
}
