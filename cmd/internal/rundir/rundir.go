// Package rundir holds what the commands that make runs (bench,
// benchchat) share before they measure anything: the module's root, a
// fresh run directory, and the server and load generator binaries.
package rundir

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// ErrBadName is returned for a run name that is not one path element.
var ErrBadName = errors.New("bad run name")

// ModuleRoot is the directory of the main module's go.mod.
func ModuleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("not inside the wsbench module: run from the repository")
	}
	return filepath.Dir(mod), nil
}

// New creates parent/name and returns it with its name. Without a name it
// uses date, time and host, adding -2, -3... rather than reuse a
// directory; a given name that exists is an error wrapping os.ErrExist,
// one that is not a single path element wraps ErrBadName.
func New(parent, name string) (string, string, error) {
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", "", err
	}
	if name != "" {
		if strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
			return "", "", fmt.Errorf("%w %q", ErrBadName, name)
		}
		dir := filepath.Join(parent, name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			if errors.Is(err, os.ErrExist) {
				return "", "", fmt.Errorf("%s exists; runs are never overwritten: %w", dir, os.ErrExist)
			}
			return "", "", err
		}
		return dir, name, nil
	}
	host, _ := os.Hostname()
	if host == "" {
		host = "host"
	}
	base := time.Now().Format("2006-01-02T150405") + "-" + strings.ReplaceAll(host, "/", "_")
	for i := 1; i < 100; i++ {
		n := base
		if i > 1 {
			n = fmt.Sprintf("%s-%d", base, i)
		}
		dir := filepath.Join(parent, n)
		err := os.Mkdir(dir, 0o755)
		if err == nil {
			return dir, n, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return "", "", err
		}
	}
	return "", "", fmt.Errorf("no free run name under %s", parent)
}

// Binaries builds ./cmd/servers and ./cmd/loadgen of the module at repo
// once into a temporary directory, unless prebuilt binaries were given
// (servers, loadgen), saying each build on stdout after prefix. cleanup
// removes what it built.
func Binaries(ctx context.Context, repo, prefix, servers, loadgen string, stdout io.Writer) (string, string, func(), error) {
	cleanup := func() {}
	if servers != "" && loadgen != "" {
		return servers, loadgen, cleanup, nil
	}
	tmp, err := os.MkdirTemp("", "wsbench-bin-")
	if err != nil {
		return "", "", cleanup, err
	}
	cleanup = func() { os.RemoveAll(tmp) }
	build := func(pkg, out string) error {
		fmt.Fprintf(stdout, "%s: go build %s\n", prefix, pkg)
		cmd := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
		cmd.Dir = repo
		if b, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %w\n%s", pkg, err, b)
		}
		return nil
	}
	if servers == "" {
		servers = filepath.Join(tmp, "servers")
		if err := build("./cmd/servers", servers); err != nil {
			return "", "", cleanup, err
		}
	}
	if loadgen == "" {
		loadgen = filepath.Join(tmp, "loadgen")
		if err := build("./cmd/loadgen", loadgen); err != nil {
			return "", "", cleanup, err
		}
	}
	return servers, loadgen, cleanup, nil
}
