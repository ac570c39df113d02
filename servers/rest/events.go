package rest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

var (
	hdrEventStream = []string{"text/event-stream"}
	hdrNoCache     = []string{"no-cache"}
	pingComment    = []byte(": ping\n\n")
)

// events serves GET /events, a Server-Sent Events stream of the log.
//
// It starts after Last-Event-ID, else after the after= parameter, else at
// the newest message (only later ones are sent). A stream that falls so far
// behind that its next message has left the log is ended and counted as a
// slow disconnect, as is one whose client does not take a batch within
// ioTimeout; the client may reconnect with Last-Event-ID and sees the gap.
func (s *service) events(w http.ResponseWriter, r *http.Request) { s.eventsLog(w, r, s.log) }

// eventsLog serves an event stream of l (events).
func (s *service) eventsLog(w http.ResponseWriter, r *http.Request, l *msgLog) {
	if !allow(w, r, "", http.MethodGet) {
		return
	}
	after, present, err := seqParam(r.URL.RawQuery)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if id := r.Header.Get("Last-Event-ID"); id != "" {
		if after, err = strconv.ParseUint(strings.TrimSpace(id), 10, 64); err != nil {
			http.Error(w, errBadParam("Last-Event-ID", id, "want a decimal sequence number").Error(), http.StatusBadRequest)
			return
		}
		present = true
	}
	if !present {
		after = l.newest()
	}
	refs := getRefs()
	msgs, first, last, wake := l.read(after, (*refs)[:0])
	defer func() { putRefs(refs, msgs) }()
	if after > last {
		http.Error(w, beyondNewest(after, last), http.StatusBadRequest)
		return
	}

	tr := s.track(w)
	defer tr.release()
	h := w.Header()
	h["Content-Type"] = hdrEventStream
	h["Cache-Control"] = hdrNoCache
	w.WriteHeader(http.StatusOK)
	tr.setWriteDeadline(s.cfg.ioTimeout)
	if err := tr.rc.Flush(); err != nil {
		return
	}
	ping := time.NewTicker(s.cfg.pingInterval)
	defer ping.Stop()

	var scratch []byte // base64 output, reused
	for {
		if len(msgs) > 0 {
			// Only the first batch may start after a gap (a resume
			// from an evicted id); later ones must follow on.
			tr.setWriteDeadline(s.cfg.ioTimeout)
			scratch, err = writeEvents(w, msgs, first, scratch)
			if err == nil {
				err = tr.rc.Flush()
			}
			if err != nil {
				s.dropped(tr, err)
				return
			}
			s.env.Stats.MsgsOut.Add(int64(len(msgs)))
			after = last
			clear(msgs)
			msgs, first, last, wake = l.read(after, msgs[:0])
			if len(msgs) > 0 && first != after+1 {
				s.env.Stats.SlowDisconnects.Add(1)
				return
			}
			continue
		}
		select {
		case <-wake:
			msgs, first, last, wake = l.read(after, msgs[:0])
			if len(msgs) > 0 && first != after+1 {
				s.env.Stats.SlowDisconnects.Add(1)
				return
			}
		case <-ping.C:
			tr.setWriteDeadline(s.cfg.ioTimeout)
			_, err = w.Write(pingComment)
			if err == nil {
				err = tr.rc.Flush()
			}
			if err != nil {
				s.dropped(tr, err)
				return
			}
		case <-s.env.ShuttingDown():
			return
		case <-r.Context().Done():
			return
		}
	}
}

// dropped counts a stream whose client stopped taking data in time; other
// write errors (the client went away, shutdown) are not slow disconnects.
func (s *service) dropped(tr *tracker, err error) {
	if errors.Is(err, os.ErrDeadlineExceeded) && !tr.closing() {
		s.env.Stats.SlowDisconnects.Add(1)
	}
}

// writeEvents writes one event per message; msgs[0] has sequence number
// first. scratch is a reusable buffer for base64, returned grown.
func writeEvents(w io.Writer, msgs [][]byte, first uint64, scratch []byte) ([]byte, error) {
	var hdr [64]byte
	for i, p := range msgs {
		b := append(hdr[:0], "id: "...)
		b = strconv.AppendUint(b, first+uint64(i), 10)
		data := p
		if plainText(p) {
			b = append(b, "\ndata: "...)
		} else {
			b = append(b, "\nevent: b64\ndata: "...)
			n := base64.StdEncoding.EncodedLen(len(p))
			if cap(scratch) < n {
				scratch = make([]byte, n)
			}
			data = scratch[:n]
			base64.StdEncoding.Encode(data, p)
		}
		if _, err := w.Write(b); err != nil {
			return scratch, err
		}
		if _, err := w.Write(data); err != nil {
			return scratch, err
		}
		if _, err := w.Write(eventEnd); err != nil {
			return scratch, err
		}
	}
	return scratch, nil
}

var eventEnd = []byte("\n\n")

// plainText reports whether p can be a data line as is: valid UTF-8 with
// neither CR nor LF.
func plainText(p []byte) bool {
	for i, c := range p {
		switch {
		case c == '\n' || c == '\r':
			return false
		case c >= utf8.RuneSelf:
			rest := p[i:]
			return utf8.Valid(rest) && bytes.IndexByte(rest, '\n') < 0 && bytes.IndexByte(rest, '\r') < 0
		}
	}
	return true
}
