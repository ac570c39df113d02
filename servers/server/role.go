package server

// Role says what a registry entry stands for in the comparison.
type Role string

// Roles of the registry entries (Library.Role).
const (
	// RoleLibrary is a third-party WebSocket library under test.
	RoleLibrary Role = "library"
	// RoleOwn is this repository's own WebSocket implementation, or a
	// library driven by this repository's own event loop.
	RoleOwn Role = "own implementation"
	// RoleCeiling is the same echo and broadcast with no WebSocket at all:
	// the most any library could reach.
	RoleCeiling Role = "ceiling"
	// RoleBaseline is the non-WebSocket way that WebSocket is compared
	// with.
	RoleBaseline Role = "baseline"
)

// Roles lists every role, contenders first.
var Roles = []Role{RoleLibrary, RoleOwn, RoleCeiling, RoleBaseline}

// Reference reports whether r is a reference row (the ceiling or a
// baseline), drawn in neutral colours and never ranked among the
// WebSocket servers.
func (r Role) Reference() bool { return r == RoleCeiling || r == RoleBaseline }
