package analysis

import "github.com/wsbench/wsbench/servers/server"

// roleOfLibrary maps a registry entry to its role.
// TODO(merge): read the registry entry's own role field.
func roleOfLibrary(l server.Library) Role {
	switch {
	case l.Proto == server.ProtoTCP:
		return RoleCeiling
	case l.Proto == server.ProtoHTTP:
		return RoleBaseline
	case l.Module == "" || l.Name == "gobwas-epoll":
		return RoleOwn
	}
	return RoleLibrary
}
