package procstat

import (
	"os"
	"testing"
	"time"
)

func TestSelf(t *testing.T) {
	p, err := Open(0)
	if err != nil {
		t.Fatal(err)
	}
	a, err := p.Read()
	if err != nil || a.RSS <= 0 {
		t.Fatalf("sample %+v, %v", a, err)
	}
	end := time.Now().Add(150 * time.Millisecond)
	x := 0
	for time.Now().Before(end) { // burn CPU
		x++
	}
	b, _ := p.Read()
	if u := Util(a, b); u < 0.3 || u > 2.5 {
		t.Fatalf("util of a busy loop: %v", u)
	}
	m := Watch(p, 10*time.Millisecond)
	peak, err := m.Peak()
	m.Stop()
	if err != nil || peak < a.RSS/2 {
		t.Fatalf("peak %d, %v", peak, err)
	}
	q, err := Open(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.Read(); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(1 << 30); err == nil {
		t.Fatal("a process that cannot exist was found")
	}
}
