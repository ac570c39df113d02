package analysis

import "github.com/wsbench/wsbench/servers/registry"

// Role is what an entry of the matrix is: a library under test, one of our
// own implementations, the ceiling or a baseline. Only libraries and our own
// implementations are ranked; the ceiling and baselines are drawn beside a
// ranking as reference rows.
type Role string

// The roles.
const (
	RoleLibrary  Role = "library"
	RoleOwn      Role = "own implementation"
	RoleCeiling  Role = "ceiling"
	RoleBaseline Role = "baseline"
)

// Ranked reports whether entries of role r take part in rankings.
func (r Role) Ranked() bool { return r == RoleLibrary || r == RoleOwn }

// RoleOf is lib's role, from the registry; a name the registry does not
// know (a run recorded with a library since removed) counts as a library.
func RoleOf(lib string) Role {
	l, ok := registry.Lookup(lib)
	if !ok {
		return RoleLibrary
	}
	return roleOfLibrary(l)
}
