package entra

import (
	"bytes"
	"context"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Clock is the time source of retries. Tests replace it so that they never sleep.
type Clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx is done, and returns ctx.Err() in the latter case.
	Sleep(ctx context.Context, d time.Duration) error
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// retryTransport counts requests and retries responses 429 and 503 after their Retry-After.
// It replaces Kiota's retry handler, which sleeps on the wall clock.
type retryTransport struct {
	base       http.RoundTripper
	clock      Clock
	maxRetries int
	maxWait    time.Duration
	requests   *atomic.Int64
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := bufferBody(req)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		// Each attempt sends a copy, because a RoundTripper must not change the caller's request.
		try := req.Clone(req.Context())
		if body != nil {
			try.Body = io.NopCloser(bytes.NewReader(body))
		}
		t.requests.Add(1)
		resp, err := t.base.RoundTrip(try)
		if err != nil || !retryable(resp.StatusCode) || attempt >= t.maxRetries {
			return resp, err
		}
		wait := retryDelay(resp.Header.Get("Retry-After"), attempt, t.clock.Now())
		if wait > t.maxWait {
			// A long wait belongs in the state machine's Retry block, not in a blocked Lambda,
			// so the response goes back and becomes Throttled with the delay.
			return resp, nil
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err := t.clock.Sleep(req.Context(), wait); err != nil {
			return nil, err
		}
	}
}

func bufferBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer req.Body.Close()
	return io.ReadAll(req.Body)
}

func retryable(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable
}

// maxRetryDelay caps absurd Retry-After values before a conversion could overflow.
const maxRetryDelay = 24 * time.Hour

// retryDelay reads Retry-After as seconds, which Graph may send with decimals ("2.128"), or
// as an HTTP date. Without a usable value it backs off exponentially from one second.
func retryDelay(header string, attempt int, now time.Time) time.Duration {
	header = strings.TrimSpace(header)
	if secs, err := strconv.ParseFloat(header, 64); err == nil && secs >= 0 {
		return time.Duration(math.Min(secs, maxRetryDelay.Seconds()) * float64(time.Second))
	}
	if at, err := http.ParseTime(header); err == nil {
		return min(max(at.Sub(now), 0), maxRetryDelay)
	}
	return time.Second << min(attempt, 6)
}
