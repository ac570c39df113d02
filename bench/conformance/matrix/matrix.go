// Package matrix runs the conformance suites against every registered
// server, each started in-process on a loopback port: RFC 6455 cases
// (loadgen/conformance) for servers of proto ws, SockJS protocol cases
// (loadgen/conformance/sockjsproto) for proto sockjs; other protocols are
// listed as not applicable. A server added to the registry is covered with
// no change here.
package matrix

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/wsbench/wsbench/bench/envinfo"
	"github.com/wsbench/wsbench/loadgen/conformance"
	"github.com/wsbench/wsbench/loadgen/conformance/sockjsproto"
	"github.com/wsbench/wsbench/servers/inproc"
	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/server"
	"github.com/wsbench/wsbench/servers/sockjs"
)

// ErrUnknownLibrary is returned for a library name the registry lacks (a
// usage error).
var ErrUnknownLibrary = errors.New("unknown library")

// Form is "full" (the suite's 16 MiB limit, sequential cases) or "short"
// (a 256 KiB limit, cases in parallel: the CI form).
type Form string

const (
	FormFull  Form = "full"
	FormShort Form = "short"
	// ShortMaxMessage is the message limit servers get in the short form.
	ShortMaxMessage = 256 << 10
	// Heartbeat is the protocol test server's heartbeat delay.
	Heartbeat = 500 * time.Millisecond
)

// protocolTestServers builds, per SockJS library, the variant of its server
// that the sockjs-protocol suite's timing cases need (short heartbeat,
// 4 KiB streaming limit). A SockJS library without an entry has those
// cases reported UNIMPLEMENTED.
var protocolTestServers = map[string]func(*server.Env) server.Server{
	"sockjs": func(env *server.Env) server.Server { return sockjs.NewProtocolTest(env, Heartbeat) },
}

// Options select what a run covers.
type Options struct {
	Form Form
	// Libs limits the run to these names (all when empty).
	Libs []string
	// Log receives one progress line per library (may be nil).
	Log io.Writer
	// Repo is the module root, for the git commit (default ".").
	Repo string
}

// Run runs the suites and returns the report.
func Run(ctx context.Context, o Options) (*conformance.Report, error) {
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.Repo == "" {
		o.Repo = "."
	}
	libs := registry.All()
	if len(o.Libs) > 0 {
		libs = nil
		for _, n := range o.Libs {
			l, ok := registry.Lookup(n)
			if !ok {
				return nil, fmt.Errorf("%w %q (known: %v)", ErrUnknownLibrary, n, registry.Names())
			}
			libs = append(libs, l)
		}
	}
	rep := &conformance.Report{Form: string(o.Form), Environment: environment(o.Repo, libs)}
	versions := libVersions(libs)
	for _, lib := range libs {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		start := time.Now()
		lr, err := runLib(ctx, lib, o.Form)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", lib.Name, err)
		}
		lr.Version = versions[lib.Name]
		lr.Counts = conformance.Count(lr.Cases)
		rep.Libraries = append(rep.Libraries, lr)
		fmt.Fprintf(o.Log, "%-10s %-9s %s (%v)\n", lib.Name, lib.Proto, countLine(lr), time.Since(start).Round(time.Millisecond))
	}
	return rep, nil
}

func runLib(ctx context.Context, lib server.Library, form Form) (conformance.LibraryReport, error) {
	lr := conformance.LibraryReport{Name: lib.Name, Module: lib.Module, Proto: string(lib.Proto), Cases: []conformance.Result{}}
	env := server.NewEnv()
	if form == FormShort {
		env.MaxMessageSize = ShortMaxMessage
	}
	switch lib.Proto {
	case server.ProtoWS:
		lr.Suite = "websocket"
		s, err := inproc.Start(lib.New(env))
		if err != nil {
			return lr, err
		}
		cfg := conformance.Full(env.MaxMessageSize)
		if form == FormShort {
			cfg = conformance.Short(env.MaxMessageSize)
		}
		lr.Cases = conformance.Run(ctx, s.Addr, cfg)
		return lr, s.Stop()
	case server.ProtoSockJS:
		lr.Suite = "sockjs"
		s, err := inproc.Start(lib.New(env))
		if err != nil {
			return lr, err
		}
		defer s.Stop()
		tg := sockjsproto.Target{Addr: s.Addr, Heartbeat: Heartbeat, CaseTimeout: 10 * time.Second, Parallel: 1}
		if form == FormShort {
			tg.CaseTimeout, tg.Parallel = 5*time.Second, 8
		}
		if newTest, ok := protocolTestServers[lib.Name]; ok {
			tenv := server.NewEnv()
			tenv.MaxMessageSize = env.MaxMessageSize
			ts, err := inproc.Start(newTest(tenv))
			if err != nil {
				return lr, err
			}
			defer ts.Stop()
			tg.TestAddr = ts.Addr
		}
		lr.Cases = sockjsproto.Run(tg)
		return lr, nil
	default:
		lr.NotApplicable = fmt.Sprintf("proto %s: no conformance suite for this protocol", lib.Proto)
		return lr, nil
	}
}

func countLine(lr conformance.LibraryReport) string {
	if lr.NotApplicable != "" {
		return "not applicable: " + lr.NotApplicable
	}
	s := ""
	for _, v := range conformance.Verdicts {
		if n := lr.Counts[v]; n > 0 {
			s += fmt.Sprintf("%s %d  ", v, n)
		}
	}
	return s
}

func envLibs(libs []server.Library) []envinfo.Lib {
	var out []envinfo.Lib
	for _, l := range libs {
		out = append(out, envinfo.Lib{Name: l.Name, Module: l.Module, Proto: string(l.Proto)})
	}
	return out
}

// libVersions reads each library's version from this binary's build
// information (the servers run inside it).
func libVersions(libs []server.Library) map[string]string {
	exe, _ := os.Executable()
	env, _ := envinfo.Collect(exe, ".", envLibs(libs))
	out := map[string]string{}
	for n, l := range env.Libraries {
		out[n] = l.Version
	}
	return out
}

func environment(repo string, libs []server.Library) map[string]string {
	exe, _ := os.Executable()
	env, warnings := envinfo.Collect(exe, repo, envLibs(libs))
	m := map[string]string{
		"date":       time.Now().UTC().Format(time.RFC3339),
		"host":       env.Host,
		"cpu_model":  env.CPUModel,
		"cores":      strconv.Itoa(env.Cores),
		"kernel":     env.Kernel,
		"os_arch":    env.OS + "/" + env.Arch,
		"go_version": env.GoVersion,
		"git_commit": env.GitCommit,
	}
	if env.GitDirty {
		m["git_dirty"] = "true"
	}
	for _, w := range warnings {
		m["warning"] += w + "; "
	}
	return m
}
