package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/wsbench/wsbench/bench/chatmatrix"
	"github.com/wsbench/wsbench/bench/record"
	"github.com/wsbench/wsbench/cmd/internal/chatrun"
)

// chatStage is the reference run's last stage, the chat matrix into
// <run>/chat/ (as `benchchat` makes on its own): nil when it does not run.
// It runs with the reference matrix as a whole (not -quick, -config,
// -scenarios or another -matrix) unless -chat=false, on the chat libraries
// among -libs.
func chatStage(o *options, libs []string) *chatrun.Stage {
	if !o.chat || o.quick || o.preset != "reference" || o.configFile != "" || o.scenarios != "" {
		return nil
	}
	chatLibs := chatrun.Only(chatrun.Libs(), libs)
	if len(chatLibs) == 0 {
		return nil
	}
	return &chatrun.Stage{Config: chatmatrix.Default(), Libs: chatLibs, Seed: o.seed, Prefix: "bench: chat"}
}

// runChat measures st into dir/chat with the run's binaries and split.
func runChat(ctx context.Context, st *chatrun.Stage, dir, repo, servers, loadgen string, split record.Split, stdout, stderr io.Writer) error {
	st.Dir, st.Name = filepath.Join(dir, chatrun.Dir), chatrun.Dir
	st.Servers, st.Loadgen, st.Repo, st.Split = servers, loadgen, repo, split
	if err := os.Mkdir(st.Dir, 0o755); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "bench: chat matrix, %d libraries, into %s (planned at most %s)\n", len(st.Libs), st.Dir, st.Plan().Round(time.Second))
	_, err := st.Run(ctx, io.Discard, stderr)
	return err
}
