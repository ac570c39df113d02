package rest

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// refsPool holds the slices that carry a snapshot of the log to a writer.
var refsPool = sync.Pool{New: func() any { s := make([][]byte, 0, 64); return &s }}

func getRefs() *[][]byte { return refsPool.Get().(*[][]byte) }

// putRefs drops the payload references (evicted messages must not stay
// alive through the pool) and returns the slice.
func putRefs(p *[][]byte, used [][]byte) {
	clear(used)
	if cap(used) > cap(*p) {
		*p = used[:0]
	}
	refsPool.Put(p)
}

// poll serves GET /poll and GET /broadcast.
func (s *service) poll(w http.ResponseWriter, r *http.Request) { s.pollLog(w, r, s.log, false) }

// pollLog answers a short or long poll of l. With cursor, a poll without
// after= is answered at once with 204 and X-Last-Seq, the newest sequence
// number (where a new reader starts); otherwise it reads from the oldest.
func (s *service) pollLog(w http.ResponseWriter, r *http.Request, l *msgLog, cursor bool) {
	if !allow(w, r, "", http.MethodGet) {
		return
	}
	after, present, err := seqParam(r.URL.RawQuery)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if cursor && !present {
		w.Header()["X-Last-Seq"] = []string{strconv.FormatUint(l.newest(), 10)}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	wait, err := waitParam(r.URL.RawQuery)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	refs := getRefs()
	msgs, first, last, wake := l.read(after, (*refs)[:0])
	defer func() { putRefs(refs, msgs) }()
	if after > last {
		http.Error(w, beyondNewest(after, last), http.StatusBadRequest)
		return
	}
	if len(msgs) == 0 && wait > 0 {
		tr := s.track(w)
		defer tr.release()
		timer := time.NewTimer(wait)
		defer timer.Stop()
	waiting:
		for len(msgs) == 0 {
			select {
			case <-wake:
				msgs, first, last, wake = l.read(after, msgs)
			case <-timer.C:
				break waiting // answered 204 below
			case <-s.env.ShuttingDown():
				tr.setWriteDeadline(s.cfg.ioTimeout)
				http.Error(w, "server shutting down", http.StatusServiceUnavailable)
				return
			case <-r.Context().Done():
				return // the client went away
			}
		}
		tr.setWriteDeadline(s.cfg.ioTimeout)
	} else {
		_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(s.cfg.ioTimeout))
	}
	h := w.Header()
	h["X-Last-Seq"] = []string{strconv.FormatUint(last, 10)}
	if len(msgs) == 0 {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if first > after+1 {
		h["X-First-Seq"] = []string{strconv.FormatUint(first, 10)}
	}
	h["Content-Type"] = hdrOctet
	h["Content-Length"] = []string{strconv.FormatInt(recordsLen(msgs, first), 10)}
	if err := writeRecords(w, msgs, first); err != nil {
		return
	}
	s.env.Stats.MsgsOut.Add(int64(len(msgs)))
}

var newline = []byte{'\n'}

// recordsLen is the exact size of writeRecords' output.
func recordsLen(msgs [][]byte, first uint64) int64 {
	var n int64
	for i, p := range msgs {
		n += int64(decimalLen(first+uint64(i)) + 1 + decimalLen(uint64(len(p))) + 1 + len(p) + 1)
	}
	return n
}

// writeRecords writes "SEQ LEN\n" PAYLOAD "\n" for each message; msgs[0]
// has sequence number first.
func writeRecords(w io.Writer, msgs [][]byte, first uint64) error {
	var hdr [48]byte
	for i, p := range msgs {
		b := strconv.AppendUint(hdr[:0], first+uint64(i), 10)
		b = append(b, ' ')
		b = strconv.AppendUint(b, uint64(len(p)), 10)
		b = append(b, '\n')
		if _, err := w.Write(b); err != nil {
			return err
		}
		if _, err := w.Write(p); err != nil {
			return err
		}
		if _, err := w.Write(newline); err != nil {
			return err
		}
	}
	return nil
}

func decimalLen(v uint64) int {
	n := 1
	for v >= 10 {
		v /= 10
		n++
	}
	return n
}

// queryValue returns the first value of key in a raw query string.
func queryValue(raw, key string) (v string, ok bool, err error) {
	for raw != "" {
		var kv string
		kv, raw, _ = strings.Cut(raw, "&")
		k, v, _ := strings.Cut(kv, "=")
		if k != key {
			continue
		}
		if strings.ContainsAny(v, "%+") {
			if v, err = url.QueryUnescape(v); err != nil {
				return "", true, err
			}
		}
		return v, true, nil
	}
	return "", false, nil
}

// seqParam parses after=SEQ; it is 0 and present false when absent.
func seqParam(raw string) (after uint64, present bool, err error) {
	v, ok, err := queryValue(raw, "after")
	if !ok {
		return 0, false, nil
	}
	if err == nil {
		after, err = strconv.ParseUint(v, 10, 64)
	}
	if err != nil {
		return 0, true, errBadParam("after", v, "want a decimal sequence number")
	}
	return after, true, nil
}

// waitParam parses wait=DURATION; it is 0 when absent.
func waitParam(raw string) (time.Duration, error) {
	v, ok, err := queryValue(raw, "wait")
	if !ok {
		return 0, nil
	}
	var d time.Duration
	if err == nil {
		d, err = time.ParseDuration(v)
	}
	switch {
	case err != nil:
		return 0, errBadParam("wait", v, "want a Go duration such as 30s")
	case d < 0:
		return 0, errBadParam("wait", v, "must not be negative")
	case d > MaxWait:
		return 0, errBadParam("wait", v, "must be at most "+strconv.Itoa(int(MaxWait/time.Second))+"s")
	}
	return d, nil
}

// paramError is a one-line 400 message.
type paramError string

func (e paramError) Error() string { return string(e) }

func errBadParam(name, value, why string) error {
	return paramError("bad " + name + " " + strconv.Quote(value) + ": " + why)
}

func beyondNewest(after, last uint64) string {
	return "bad after " + strconv.FormatUint(after, 10) + ": beyond the newest message (" + strconv.FormatUint(last, 10) + ")"
}
