package intel

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/time/rate"
)

// maxBody bounds the bytes read from one response; the responses used here are a few KiB.
const maxBody = 1 << 20

// Gate sends one service's requests: it spaces them by the service's rate limit and retries
// a 429 response after its Retry-After, all on an injected clock. One Gate is shared by every
// lookup of a service, so concurrent lookups stay within the limit together.
type Gate struct {
	limiter *rate.Limiter
	clock   Clock
	// maxWait is the longest Retry-After the gate waits for; a longer one ends the lookup.
	maxWait    time.Duration
	maxRetries int
	timeout    time.Duration
}

// GateOptions configures a Gate. A zero field takes the default named on it.
type GateOptions struct {
	// Rate is the number of requests per second the service allows; 0 means no limit.
	Rate rate.Limit
	// Burst is the number of requests sent at once before Rate spaces them (default 1).
	Burst int
	// MaxWait is the longest Retry-After honoured before the lookup gives up (default 1 minute).
	MaxWait time.Duration
	// MaxRetries is the number of retries after a 429 (default 2; negative means none).
	MaxRetries int
	// Timeout bounds each request on the wall clock (default 10 seconds).
	Timeout time.Duration
	Clock   Clock // default SystemClock
}

// NewGate returns a Gate with the options' defaults filled in.
func NewGate(o GateOptions) *Gate {
	g := &Gate{clock: o.Clock, maxWait: o.MaxWait, maxRetries: o.MaxRetries, timeout: o.Timeout}
	if g.clock == nil {
		g.clock = SystemClock{}
	}
	if g.maxWait == 0 {
		g.maxWait = time.Minute
	}
	switch {
	case g.maxRetries == 0:
		g.maxRetries = 2
	case g.maxRetries < 0:
		g.maxRetries = 0
	}
	if g.timeout == 0 {
		g.timeout = 10 * time.Second
	}
	burst := max(o.Burst, 1)
	limit := o.Rate
	if limit == 0 {
		limit = rate.Inf
	}
	g.limiter = rate.NewLimiter(limit, burst)
	return g
}

// Clock returns the gate's clock, which the clients also use for FetchedAt and the cache.
func (g *Gate) Clock() Clock { return g.clock }

// Response is a read HTTP response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	// RetryAfter is the wait the service asked for on a 429 that was not retried, or 0.
	RetryAfter time.Duration
}

// Do sends the request that build returns, once per attempt. It returns the first response
// that is not a 429, or the last 429 when the retries are used up or the service requests a
// wait longer than MaxWait. It returns an error only when no response arrived (a refused
// connection, a timeout, a cancelled ctx).
func (g *Gate) Do(ctx context.Context, client *http.Client, build func(context.Context) (*http.Request, error)) (*Response, error) {
	for attempt := 0; ; attempt++ {
		if err := g.wait(ctx); err != nil {
			return nil, err
		}
		resp, err := g.send(ctx, client, build)
		if err != nil {
			return nil, err
		}
		if resp.Status != http.StatusTooManyRequests {
			return resp, nil
		}
		wait, ok := retryAfter(resp.Header, g.clock.Now())
		if !ok || wait > g.maxWait || attempt >= g.maxRetries {
			resp.RetryAfter = wait
			return resp, nil
		}
		if err := g.clock.Sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// wait blocks until the limiter allows one more request.
func (g *Gate) wait(ctx context.Context) error {
	now := g.clock.Now()
	r := g.limiter.ReserveN(now, 1)
	if !r.OK() {
		return fmt.Errorf("rate limiter burst is 0")
	}
	if err := g.clock.Sleep(ctx, r.DelayFrom(now)); err != nil {
		r.CancelAt(g.clock.Now())
		return err
	}
	return nil
}

func (g *Gate) send(ctx context.Context, client *http.Client, build func(context.Context) (*http.Request, error)) (*Response, error) {
	ctx, cancel := context.WithTimeout(ctx, g.timeout)
	defer cancel()
	req, err := build(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("reading response of %s: %w", req.URL.Path, err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// retryAfter reads Retry-After as seconds or an HTTP date, and falls back to
// X-RateLimit-Reset as a Unix time, which AbuseIPDB sends.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if v := h.Get("Retry-After"); v != "" {
		if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
			return time.Duration(secs) * time.Second, true
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0), true
		}
	}
	if v := h.Get("X-RateLimit-Reset"); v != "" {
		if unix, err := strconv.ParseInt(v, 10, 64); err == nil {
			return max(time.Unix(unix, 0).Sub(now), 0), true
		}
	}
	return 0, false
}
