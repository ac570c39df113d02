package main

import "syscall"

// raiseOpenFiles raises the soft limit on open files to the hard limit
// (a server holding tens of thousands of connections needs one descriptor
// each) and returns the limit now in force. Go raises it too at start on
// Linux; doing it here makes the limit explicit and lets the server print
// it.
func raiseOpenFiles() (uint64, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, err
	}
	if lim.Cur < lim.Max {
		raised := lim
		raised.Cur = lim.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised); err != nil {
			return lim.Cur, err
		}
		lim = raised
	}
	return lim.Cur, nil
}
