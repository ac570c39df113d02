package check

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// MinTextPx is the smallest type allowed on a slide, in CSS pixels at a
// 1280×720 window; it scales with the window (24 px at 1920×1080).
const MinTextPx = 16

// Viewport is a browser window size.
type Viewport struct{ W, H int }

func (v Viewport) String() string { return fmt.Sprintf("%dx%d", v.W, v.H) }

// Viewports are the window sizes every deck is checked at.
var Viewports = []Viewport{{1920, 1080}, {1280, 720}}

// Options tune a check.
type Options struct {
	Browser   string        // Chromium executable; "" finds one
	Viewports []Viewport    // default Viewports
	MinTextPx float64       // at 1280 px wide; default MinTextPx
	ShotsDir  string        // where NN.png go (at the first viewport); "" for none
	Timeout   time.Duration // the whole check; default 2 minutes
}

// Problem is one thing wrong on one slide.
type Problem struct {
	Viewport Viewport
	Slide    int // 1-based
	What     string
}

func (p Problem) String() string { return fmt.Sprintf("%s slide %d: %s", p.Viewport, p.Slide, p.What) }

// Result is what a check found.
type Result struct {
	Slides   int
	Texts    int // text runs measured, over all slides and viewports
	Pages    int // pages when printed
	Shots    []string
	Problems []Problem
}

// pdfPage finds the page objects of a PDF.
var pdfPage = regexp.MustCompile(`/Type\s*/Page\b[^s]`)

//go:embed measure.js
var measureJS string

// measured is what measure.js returns for one slide.
type measured struct {
	Problems []string `json:"problems"`
	Texts    int      `json:"texts"`
}

// navigationJS drives the deck as a speaker would (keys, clicks, the
// notes key) and returns what did not work.
const navigationJS = `(function () {
  var p = [];
  function key(k) { document.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true })); }
  function click(x) { document.body.dispatchEvent(new MouseEvent("click", { clientX: x, clientY: 10, bubbles: true })); }
  function active() { var s = document.querySelectorAll(".slide"); for (var i = 0; i < s.length; i++) if (s[i].classList.contains("active")) return i; return -1; }
  var n = window.deck.count;
  window.deck.go(0);
  if (n > 1) {
    key("ArrowRight"); if (active() !== 1) p.push("ArrowRight did not go to slide 2");
    key("ArrowLeft"); if (active() !== 0) p.push("ArrowLeft did not go back to slide 1");
    click(window.innerWidth - 5); if (active() !== 1) p.push("a click on the right did not go forward");
    click(5); if (active() !== 0) p.push("a click on the left did not go back");
    key("End"); if (active() !== n - 1) p.push("End did not go to the last slide");
    key("Home");
  }
  var notes = document.querySelectorAll(".slide")[active()].querySelector(".notes");
  if (!notes) { p.push("no speaker notes"); return p; }
  if (getComputedStyle(notes).display !== "none") p.push("speaker notes are visible before N is pressed");
  key("n"); if (getComputedStyle(notes).display === "none") p.push("N did not show the speaker notes");
  key("n"); if (getComputedStyle(notes).display !== "none") p.push("N did not hide the speaker notes again");
  window.deck.go(0);
  return p;
})()`

// Deck opens the deck at path in headless Chromium at each viewport and
// checks every slide. The error is for a check that could not run; what
// the deck gets wrong is in Result.Problems.
func Deck(ctx context.Context, path string, o Options) (*Result, error) {
	if o.Browser == "" {
		b, err := FindBrowser()
		if err != nil {
			return nil, err
		}
		o.Browser = b
	}
	if len(o.Viewports) == 0 {
		o.Viewports = Viewports
	}
	if o.MinTextPx == 0 {
		o.MinTextPx = MinTextPx
	}
	if o.Timeout == 0 {
		o.Timeout = 2 * time.Minute
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(o.Browser),
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("force-device-scale-factor", "1"),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND"), // nothing outside the file
	)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()

	// Start the browser, then record every request the page makes.
	if err := chromedp.Do(bctx); err != nil {
		return nil, fmt.Errorf("starting %s: %w", o.Browser, err)
	}
	var mu sync.Mutex
	var fetched []string
	if err := chromedp.Listen(bctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			u := e.Request.URL
			if !strings.HasPrefix(u, "file://") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "about:") {
				mu.Lock()
				fetched = append(fetched, u)
				mu.Unlock()
			}
		}
	}); err != nil {
		return nil, err
	}
	res := &Result{}
	url := "file://" + filepath.ToSlash(abs)
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(int64(o.Viewports[0].W), int64(o.Viewports[0].H)), chromedp.Navigate(url)); err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	n, err := chromedp.Run(bctx, chromedp.Evaluate[int](`window.deck ? window.deck.count : -1`))
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	if n < 0 {
		return nil, fmt.Errorf("%s: not a deck (no window.deck)", path)
	}
	res.Slides = n
	if n == 0 {
		res.Problems = append(res.Problems, Problem{Viewport: o.Viewports[0], What: "the deck has no slide"})
	} else if p, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](navigationJS)); err != nil {
		return nil, fmt.Errorf("navigation: %w", err)
	} else {
		for _, what := range p {
			res.Problems = append(res.Problems, Problem{Viewport: o.Viewports[0], Slide: 1, What: what})
		}
	}
	if o.ShotsDir != "" {
		if err := os.MkdirAll(o.ShotsDir, 0o755); err != nil {
			return nil, err
		}
	}
	for vi, vp := range o.Viewports {
		if err := chromedp.Do(bctx, chromedp.EmulateViewport(int64(vp.W), int64(vp.H))); err != nil {
			return nil, err
		}
		minPx := o.MinTextPx * float64(vp.W) / 1280
		for i := 0; i < res.Slides; i++ {
			shown, err := chromedp.Run(bctx, chromedp.Evaluate[int](fmt.Sprintf("window.deck.go(%d)", i)))
			if err != nil {
				return nil, fmt.Errorf("%s slide %d: %w", vp, i+1, err)
			}
			if shown != i {
				res.Problems = append(res.Problems, Problem{vp, i + 1, fmt.Sprintf("navigation showed slide %d", shown+1)})
			}
			m, err := chromedp.Run(bctx, chromedp.Evaluate[measured](fmt.Sprintf("(%s)(%d, %g)", strings.TrimSpace(measureJS), i, minPx)))
			if err != nil {
				return nil, fmt.Errorf("%s slide %d: %w", vp, i+1, err)
			}
			res.Texts += m.Texts
			for _, p := range m.Problems {
				res.Problems = append(res.Problems, Problem{vp, i + 1, p})
			}
			if vi == 0 && o.ShotsDir != "" {
				png, err := chromedp.Run(bctx, chromedp.CaptureScreenshot())
				if err != nil {
					return nil, fmt.Errorf("%s slide %d: screenshot: %w", vp, i+1, err)
				}
				name := filepath.Join(o.ShotsDir, fmt.Sprintf("%02d.png", i+1))
				if err := os.WriteFile(name, png, 0o644); err != nil {
					return nil, err
				}
				res.Shots = append(res.Shots, name)
			}
		}
	}
	if res.Slides > 0 {
		pdf, err := chromedp.Run(bctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize(), chromedp.PDFPrintBackground()))
		if err != nil {
			return nil, fmt.Errorf("printing: %w", err)
		}
		res.Pages = len(pdfPage.FindAll(pdf, -1))
		if res.Pages != res.Slides {
			res.Problems = append(res.Problems, Problem{Viewport: o.Viewports[0], What: fmt.Sprintf("printing gives %d pages for %d slides", res.Pages, res.Slides)})
		}
	}
	mu.Lock()
	for _, u := range fetched {
		res.Problems = append(res.Problems, Problem{Viewport: o.Viewports[0], What: "fetched " + u + " (the deck must be self-contained)"})
	}
	mu.Unlock()
	return res, nil
}
