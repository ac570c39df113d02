package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{"-for", "0s"}, {"-every", "-1s"}, {"extra"}, {"-nope"}} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 2 {
			t.Errorf("%q: exit %d, want 2 (stderr %q)", args, code, errb.String())
		}
	}
}

func TestSamples(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"-for", "50ms", "-every", "1ms"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) == 0 || len(strings.Fields(lines[0])) != 2 {
		t.Fatalf("samples %q: want lines of two numbers", out.String())
	}
	if !strings.HasPrefix(errb.String(), "samples ") {
		t.Errorf("summary %q", errb.String())
	}
}
