package scenario

import (
	"testing"

	"golang.org/x/sys/unix"
)

func TestSleepFor(t *testing.T) {
	const spin = 200_000
	for _, tc := range []struct{ due, want int64 }{
		{5_000_000, 5_000_000 - spin}, // far: sleep until spin before it
		{spin + 1, 1},
		{spin, 0}, // within the window: poll
		{1, 0},
		{-3, 0}, // already late
	} {
		if got := sleepFor(tc.due, spin); got != tc.want {
			t.Errorf("sleepFor(%d, %d) = %d, want %d", tc.due, spin, got, tc.want)
		}
	}
	if got := sleepFor(1000, 0); got != 1000 {
		t.Errorf("without a spin window the loop sleeps until due: %d", got)
	}
}

// TestSpinPollAllocs: the poll the loop repeats while it spins allocates
// nothing.
func TestSpinPollAllocs(t *testing.T) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		t.Skip("no epoll:", err)
	}
	defer unix.Close(epfd)
	events := make([]unix.EpollEvent, 8)
	if n := testing.AllocsPerRun(1000, func() {
		if _, err := epollWait(epfd, events, 0); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("%v allocations per poll", n)
	}
}
