// Package histmerge carries latency histograms between load agents and
// combines them exactly. An agent encodes its histogram with
// hdrhistogram-go's compressed V2 encoding (base64 text, fit for JSON);
// whoever collects the agents' results merges the encodings bucket by
// bucket, so that the merged counts are the sum of the agents' counts and
// percentiles are read from the merged histogram, never averaged.
package histmerge

import (
	"errors"
	"fmt"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Encode returns h in hdrhistogram-go's compressed V2 encoding (base64).
func Encode(h *hdrhistogram.Histogram) (string, error) {
	b, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		return "", fmt.Errorf("encode histogram: %w", err)
	}
	return string(b), nil
}

// Decode reads one histogram written by Encode.
func Decode(s string) (*hdrhistogram.Histogram, error) {
	h, err := hdrhistogram.Decode([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("decode histogram: %w", err)
	}
	return h, nil
}

// ErrNone is returned by Merge when it is given no histogram.
var ErrNone = errors.New("merge: no histogram")

// Merge decodes every encoded histogram and adds them into one. All must
// have the same range and precision (the same bucket layout), so that the
// merge is exact: a histogram of another layout is an error, and so is a
// value the merge would have to drop.
func Merge(encoded []string) (*hdrhistogram.Histogram, error) {
	if len(encoded) == 0 {
		return nil, ErrNone
	}
	var out *hdrhistogram.Histogram
	for i, s := range encoded {
		h, err := Decode(s)
		if err != nil {
			return nil, fmt.Errorf("histogram %d: %w", i, err)
		}
		if out == nil {
			out = h
			continue
		}
		if err := sameLayout(out, h); err != nil {
			return nil, fmt.Errorf("histogram %d: %w", i, err)
		}
		if n := out.Merge(h); n != 0 {
			return nil, fmt.Errorf("histogram %d: %d values could not be merged", i, n)
		}
	}
	return out, nil
}

// sameLayout reports whether b's buckets are a's.
func sameLayout(a, b *hdrhistogram.Histogram) error {
	if a.LowestTrackableValue() != b.LowestTrackableValue() ||
		a.HighestTrackableValue() != b.HighestTrackableValue() ||
		a.SignificantFigures() != b.SignificantFigures() {
		return fmt.Errorf("range [%d, %d] with %d digits differs from [%d, %d] with %d digits",
			b.LowestTrackableValue(), b.HighestTrackableValue(), b.SignificantFigures(),
			a.LowestTrackableValue(), a.HighestTrackableValue(), a.SignificantFigures())
	}
	return nil
}
