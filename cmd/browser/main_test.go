package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Bad usage never starts a browser: exit 2 and a one-line reason.
func TestBadUsage(t *testing.T) {
	bundle := filepath.Join(t.TempDir(), "sockjs.min.js")
	if err := os.WriteFile(bundle, []byte("// stub"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"-nope"}, "flag provided but not defined"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"-sockjs-client", filepath.Join(t.TempDir(), "missing.js")}, "sockjs-client bundle"},
		{[]string{"-sockjs-client", bundle, "-chromium", "/nonexistent/chromium"}, "/nonexistent/chromium"},
	} {
		var out, errb bytes.Buffer
		if code := run(tc.args, &out, &errb); code != 2 || !strings.Contains(errb.String(), tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tc.args, code, errb.String(), tc.msg)
		}
	}
}
