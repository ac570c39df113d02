package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBadInput(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{nil, 2, "usage"},
		{[]string{"-run", "x", "extra"}, 2, "usage"},
		{[]string{"-nope"}, 2, "flag provided but not defined"},
		{[]string{"-run", filepath.Join(t.TempDir(), "missing")}, 1, "no such file"},
	} {
		var out, errb bytes.Buffer
		if got := run(context.Background(), c.args, &out, &errb); got != c.code || !strings.Contains(errb.String(), c.msg) {
			t.Errorf("%v: exit %d (%q), want %d with %q", c.args, got, errb.String(), c.code, c.msg)
		}
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "results.json"), []byte("{not json"), 0o644)
	var out, errb bytes.Buffer
	if got := run(context.Background(), []string{"-run", dir}, &out, &errb); got != 1 || strings.Count(errb.String(), "\n") != 1 {
		t.Errorf("corrupt results.json: exit %d, %q; want 1 and one line", got, errb.String())
	}
}

func TestWritesDeckWithoutCheck(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "results.json"), []byte(`{"name": "tiny", "started_at": "2026-01-02T03:04:05Z", "environment": {"cores": 2}}`), 0o644)
	var out, errb bytes.Buffer
	if got := run(context.Background(), []string{"-run", dir, "-check=false"}, &out, &errb); got != 0 {
		t.Fatalf("exit %d: %s", got, errb.String())
	}
	b, err := os.ReadFile(filepath.Join(dir, "slides.html"))
	if err != nil || !strings.Contains(string(b), "run tiny") {
		t.Errorf("slides.html: %v", err)
	}
}
