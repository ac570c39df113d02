package rundir

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestNew(t *testing.T) {
	parent := filepath.Join(t.TempDir(), "results")
	d1, n1, err := New(parent, "")
	if err != nil {
		t.Fatal(err)
	}
	d2, n2, err := New(parent, "")
	if err != nil || d1 == d2 || n1 == n2 {
		t.Fatalf("two unnamed runs: %q %q (%v): want two directories", d1, d2, err)
	}
	if _, _, err := New(parent, n1); !errors.Is(err, os.ErrExist) {
		t.Errorf("an existing name: %v, want os.ErrExist", err)
	}
	for _, bad := range []string{"../x", "a/b", ".", ".."} {
		if _, _, err := New(parent, bad); !errors.Is(err, ErrBadName) {
			t.Errorf("%q: %v, want ErrBadName", bad, err)
		}
	}
	if d, n, err := New(parent, "mine"); err != nil || n != "mine" || d != filepath.Join(parent, "mine") {
		t.Errorf("named run: %q %q %v", d, n, err)
	}
}

func TestBinariesGivenAreUsed(t *testing.T) {
	s, l, cleanup, err := Binaries(t.Context(), "/nonexistent", "test", "/bin/true", "/bin/false", nil)
	defer cleanup()
	if err != nil || s != "/bin/true" || l != "/bin/false" {
		t.Errorf("prebuilt binaries: %q %q %v", s, l, err)
	}
}
