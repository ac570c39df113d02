package scenario

import "testing"

func TestPerConn(t *testing.T) {
	even := []*peer{{recvM: 10}, {recvM: 10}, {recvM: 10}, {recvM: 10}}
	pc := perConn(even, 2)
	if pc.Jain != 1 || pc.Min != 5 || pc.Max != 5 || pc.P50 != 5 {
		t.Errorf("even: %+v, want jain 1 and 5 msgs/s everywhere", pc)
	}
	one := []*peer{{recvM: 40}, {recvM: 0}, {recvM: 0}, nil, {recvM: 0}}
	pc = perConn(one, 1)
	if pc.Jain != 0.25 || pc.Min != 0 || pc.Max != 40 {
		t.Errorf("one connection served: %+v, want jain 1/4, min 0, max 40", pc)
	}
	if perConn(nil, 1) != nil || perConn(even, 0) != nil {
		t.Error("no peers or no interval must give no per_conn")
	}
}
