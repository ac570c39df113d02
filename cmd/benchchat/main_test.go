package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wsbench/wsbench/bench/chatmatrix"
)

func TestBadUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"-nope"}, "flag provided but not defined"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"-libs", "rest"}, `"rest" is not a library with chat`},
		{[]string{"-seed", "x"}, "not an unsigned integer"},
		{[]string{"-budget", "1s", "-results", t.TempDir()}, "exceeds the budget of 1s"},
	} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), tc.args, &out, &errb); code != 2 || !strings.Contains(errb.String(), tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tc.args, code, errb.String(), tc.msg)
		}
	}
}

// A dry run prints the plan for the libraries asked for and writes nothing.
func TestDryRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "chat")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"-dry-run", "-libs", "gorilla,gws", "-results", dir}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "2 libraries (gorilla, gws), 2 shapes, crowd of 19000, claim over REST poll/longpoll/sse at 2, 10/s per publisher") {
		t.Fatalf("plan %q", out.String())
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("a dry run created %s (%v)", dir, err)
	}
}

// -report rebuilds SUMMARY.md from results.json alone.
func TestReport(t *testing.T) {
	dir := t.TempDir()
	res := &chatmatrix.Results{Name: "r1", Config: chatmatrix.Default(), Complete: true,
		Capacity: []chatmatrix.ShapeResult{{Lib: "gorilla", Shape: chatmatrix.Default().Shapes[0], Capacity: chatmatrix.Capacity{Delivered: 1234, Limit: "p99", Ranked: true}}}}
	if err := chatmatrix.Save(dir, res); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"-report", dir}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	b, err := os.ReadFile(filepath.Join(dir, "SUMMARY.md"))
	if err != nil || !strings.Contains(string(b), "# Chat matrix r1") || !strings.Contains(string(b), "gorilla 1234") || string(b) != out.String() {
		t.Fatalf("SUMMARY.md %q (%v), stdout %q", b, err, out.String())
	}
	if code := run(context.Background(), []string{"-report", t.TempDir()}, &out, &errb); code != 1 {
		t.Fatalf("-report of a directory without results.json: exit %d, want 1", code)
	}
}
