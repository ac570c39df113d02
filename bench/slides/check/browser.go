// Package check opens a deck in headless Chromium (driven by chromedp)
// and checks what a speaker would see: every slide renders, nothing leaves
// its slide or runs into the footer, no text is smaller than a minimum,
// every chart has its title and axis labels, and the page fetches nothing
// from the network. It can write a PNG screenshot of each slide.
package check

import (
	"errors"
	"os/exec"
)

// browsers are the executable names tried, in order.
var browsers = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"}

// ErrNoBrowser is returned when no Chromium is installed.
var ErrNoBrowser = errors.New("no Chromium found (install the Debian package chromium)")

// FindBrowser returns the path of an installed Chromium.
func FindBrowser() (string, error) {
	for _, b := range browsers {
		if p, err := exec.LookPath(b); err == nil {
			return p, nil
		}
	}
	return "", ErrNoBrowser
}
