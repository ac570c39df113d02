package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// barProgress draws one bar for the whole matrix. Its unit is the
// estimated millisecond, so the ETA it predicts is calibrated on how the
// run keeps to its plan. During a trial the bar creeps towards the trial's
// estimate; it catches up or jumps when the trial ends.
type barProgress struct {
	w   io.Writer
	mu  sync.Mutex
	bar *progressbar.ProgressBar

	done    int64         // estimated ms of finished trials
	stop    chan struct{} // ends the creeping of the current trial
	stopped chan struct{}
}

func newBarProgress(w io.Writer) *barProgress { return &barProgress{w: w} }

func (p *barProgress) Start(total time.Duration) {
	p.bar = progressbar.NewOptions64(total.Milliseconds(),
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetWidth(30),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionSetRenderBlankState(true),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionShowDescriptionAtLineEnd(),
	)
}

func (p *barProgress) Begin(label string, est time.Duration) {
	p.mu.Lock()
	p.bar.Describe(label)
	p.stop, p.stopped = make(chan struct{}), make(chan struct{})
	stop, stopped, base := p.stop, p.stopped, p.done
	p.mu.Unlock()
	go func() {
		defer close(stopped)
		start := time.Now()
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				// Creep up to 95% of the estimate, never past it.
				el := min(time.Since(start), est*95/100)
				p.mu.Lock()
				_ = p.bar.Set64(base + el.Milliseconds())
				p.mu.Unlock()
			}
		}
	}()
}

// halt ends the creeping of the current trial, if any.
func (p *barProgress) halt() {
	if p.stop != nil {
		close(p.stop)
		<-p.stopped
		p.stop = nil
	}
}

func (p *barProgress) End(est time.Duration, problem string) {
	p.halt()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += est.Milliseconds()
	if problem != "" {
		_ = p.bar.Clear()
		fmt.Fprintf(p.w, "\r  failed: %s\n", problem)
	}
	_ = p.bar.Set64(p.done)
}

func (p *barProgress) Finish() {
	p.halt()
	p.mu.Lock()
	defer p.mu.Unlock()
	_ = p.bar.Finish()
	fmt.Fprintln(p.w)
}

// lineProgress prints one line per trial, for logs and pipes.
type lineProgress struct {
	w           io.Writer
	total, done time.Duration
	start       time.Time
	label       string
	begun       time.Time
}

func (p *lineProgress) Start(total time.Duration) { p.total, p.start = total, time.Now() }

func (p *lineProgress) Begin(label string, _ time.Duration) { p.label, p.begun = label, time.Now() }

func (p *lineProgress) End(est time.Duration, problem string) {
	p.done += est
	if p.label == "" {
		if problem != "" {
			fmt.Fprintf(p.w, "  %s\n", problem)
		}
		return
	}
	status := "ok"
	if problem != "" {
		status = "FAILED: " + problem
	}
	left := time.Duration(0)
	if p.done > 0 {
		// Scale what is left of the plan by how the run keeps to it.
		left = time.Duration(float64(p.total-p.done) * float64(time.Since(p.start)) / float64(p.done))
	}
	fmt.Fprintf(p.w, "[%3.0f%% ETA %s] %s: %s (%.1fs)\n", 100*float64(p.done)/float64(max(p.total, 1)),
		left.Round(time.Second), p.label, status, time.Since(p.begun).Seconds())
	p.label = ""
}

func (p *lineProgress) Finish() {}
