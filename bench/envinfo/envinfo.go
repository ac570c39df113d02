// Package envinfo records the machine and software a run was made with:
// CPU model, cores, kernel, Go version, each library's module version as
// built into the server binary, and the git commit.
package envinfo

import (
	"bufio"
	"debug/buildinfo"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/wsbench/wsbench/bench/record"
)

// Lib names a library and its module ("" for the standard library).
type Lib struct {
	Name, Module, Proto string
}

// Collect fills an Environment. serversBin is the built server binary whose
// build information gives the library versions (may be "" when unknown);
// repo is the module root for git.
func Collect(serversBin, repo string, libs []Lib) (record.Environment, []string) {
	var warnings []string
	env := record.Environment{
		CPUModel:  cpuModel(),
		Cores:     runtime.NumCPU(),
		OS:        runtime.GOOS,
		Arch:      runtime.GOARCH,
		BenchGo:   runtime.Version(),
		GoVersion: runtime.Version(),
		Libraries: map[string]record.Library{},
	}
	env.Host, _ = os.Hostname()
	env.MemTotalBytes = memTotal()
	var u unix.Utsname
	if unix.Uname(&u) == nil {
		env.Kernel = unix.ByteSliceToString(u.Release[:])
	}
	deps := map[string]string{}
	if serversBin != "" {
		bi, err := buildinfo.ReadFile(serversBin)
		if err != nil {
			warnings = append(warnings, "library versions unknown: "+err.Error())
		} else {
			env.GoVersion = bi.GoVersion
			for _, d := range bi.Deps {
				v := d.Version
				if d.Replace != nil {
					v = d.Replace.Version + " (replaces " + d.Version + ")"
					if d.Replace.Version == "" {
						v = "replaced by " + d.Replace.Path
					}
				}
				deps[d.Path] = v
			}
		}
	}
	for _, l := range libs {
		info := record.Library{Module: l.Module, Proto: l.Proto}
		switch {
		case l.Module == "":
			info.Version = "net/http, " + env.GoVersion
		case deps[l.Module] != "":
			info.Version = deps[l.Module]
		default:
			info.Version = "unknown"
		}
		env.Libraries[l.Name] = info
	}
	env.GitCommit, env.GitDirty = gitState(repo)
	return env, warnings
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "model name", "Model", "cpu model", "Hardware":
			return strings.Join(strings.Fields(v), " ")
		}
	}
	return runtime.GOARCH
}

func memTotal() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, _ := strconv.ParseInt(fields[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// gitState reads the commit and whether the tree has uncommitted changes.
func gitState(repo string) (commit string, dirty bool) {
	if repo == "" {
		return "", false
	}
	out, err := exec.Command("git", "-C", repo, "rev-parse", "HEAD").Output()
	if err != nil {
		return "", false
	}
	commit = strings.TrimSpace(string(out))
	st, err := exec.Command("git", "-C", repo, "status", "--porcelain", "--untracked-files=no").Output()
	return commit, err == nil && len(strings.TrimSpace(string(st))) > 0
}
