// Package proctest finds processes that outlived a test: a test puts a
// unique token in its environment, children inherit it, and Survivors
// lists every other process that still carries it.
package proctest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TokenVar is the environment variable that marks a test's children.
const TokenVar = "BENCH_TEST_TOKEN"

// Mark sets a token unique to t in the environment (restored after t).
func Mark(t *testing.T) {
	t.Helper()
	t.Setenv(TokenVar, fmt.Sprintf("%s-%d-%d", t.Name(), os.Getpid(), time.Now().UnixNano()))
}

// Survivors lists "pid: command line" of every process other than this
// one whose environment holds this test's token.
func Survivors() []string {
	token := []byte(TokenVar + "=" + os.Getenv(TokenVar))
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return []string{"cannot read /proc: " + err.Error()}
	}
	var out []string
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil {
			continue
		}
		for _, kv := range bytes.Split(env, []byte{0}) {
			if bytes.Equal(kv, token) {
				cmd, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
				out = append(out, fmt.Sprintf("%d: %s", pid, bytes.TrimSpace(bytes.ReplaceAll(cmd, []byte{0}, []byte{' '}))))
				break
			}
		}
	}
	return out
}
