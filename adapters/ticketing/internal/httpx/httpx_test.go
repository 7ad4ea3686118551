package httpx

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secamo/orchestrator/adapters/ticketing"
)

// fakeClock records the waits instead of sleeping.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

func (c *fakeClock) Now() time.Time { return c.now }

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	return ctx.Err()
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 4, 20, 0, 0, 0, time.UTC)
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"", 0, false},
		{"2", 2 * time.Second, true},
		{"2.128", 2128 * time.Millisecond, true},
		{" 0 ", 0, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{"Fri, 04 Dec 2026 20:00:30 GMT", 30 * time.Second, true},
		{"Fri, 04 Dec 2026 19:00:00 GMT", 0, true},
		{"1e30", 0, false},
		{"NaN", 0, false},
		{"+Inf", 0, false},
		{"0x10", 0, false},
		{"99999999999", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("ParseRetryAfter(%q) = %v, %v, want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

// scripted serves the given statuses in order, then 200.
func scripted(t *testing.T, retryAfter string, statuses ...int) (*Client, *fakeClock, *int) {
	t.Helper()
	var mu sync.Mutex
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer t0ken" {
			t.Errorf("Authorization header = %q, want the bearer token", r.Header.Get("Authorization"))
		}
		status := http.StatusOK
		if calls < len(statuses) {
			status = statuses[calls]
		}
		calls++
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.WriteHeader(status)
		w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(srv.Close)
	base, err := ParseBaseURL(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{now: time.Date(2026, 12, 4, 20, 0, 0, 0, time.UTC)}
	c := &Client{BaseURL: base, HTTP: srv.Client(), Auth: Bearer("t0ken"), Clock: clock, MaxAttempts: 3, MaxWait: 10 * time.Second}
	return c, clock, &calls
}

func TestDoRetriesAfterRetryAfter(t *testing.T) {
	c, clock, calls := scripted(t, "2.128", 429, 503)
	if _, err := c.Do(context.Background(), Request{Method: "GET", Path: "/x", Operation: "getting x"}); err != nil {
		t.Fatalf("Do = %v, want success on the third attempt", err)
	}
	if *calls != 3 {
		t.Errorf("calls = %d, want 3", *calls)
	}
	want := []time.Duration{2128 * time.Millisecond, 2128 * time.Millisecond}
	if len(clock.waits) != 2 || clock.waits[0] != want[0] || clock.waits[1] != want[1] {
		t.Errorf("waits = %v, want %v", clock.waits, want)
	}
}

func TestDoThrottledAfterMaxAttempts(t *testing.T) {
	c, _, calls := scripted(t, "1", 429, 429, 429, 429)
	_, err := c.Do(context.Background(), Request{Method: "GET", Path: "/x", Operation: "getting x"})
	var throttled *ticketing.Throttled
	if !errors.As(err, &throttled) {
		t.Fatalf("Do = %v, want Throttled", err)
	}
	if throttled.RetryAfter != time.Second {
		t.Errorf("RetryAfter = %v, want 1s", throttled.RetryAfter)
	}
	if *calls != 3 {
		t.Errorf("calls = %d, want MaxAttempts (3)", *calls)
	}
}

func TestDoThrottledWhenWaitTooLong(t *testing.T) {
	c, clock, calls := scripted(t, "120", 429)
	_, err := c.Do(context.Background(), Request{Method: "GET", Path: "/x", Operation: "getting x"})
	var throttled *ticketing.Throttled
	if !errors.As(err, &throttled) {
		t.Fatalf("Do = %v, want Throttled", err)
	}
	if *calls != 1 || len(clock.waits) != 0 {
		t.Errorf("calls = %d, waits = %v; want one call and no wait", *calls, clock.waits)
	}
}

func TestDoBacksOffWithoutRetryAfter(t *testing.T) {
	c, clock, _ := scripted(t, "", 503, 503)
	if _, err := c.Do(context.Background(), Request{Method: "GET", Path: "/x", Operation: "getting x"}); err != nil {
		t.Fatal(err)
	}
	if len(clock.waits) != 2 || clock.waits[0] != time.Second || clock.waits[1] != 2*time.Second {
		t.Errorf("waits = %v, want [1s 2s]", clock.waits)
	}
}

func TestDoClassifiesStatus(t *testing.T) {
	tests := []struct {
		status int
		check  func(error) bool
	}{
		{401, func(err error) bool { var e *ticketing.PermissionDenied; return errors.As(err, &e) }},
		{403, func(err error) bool { var e *ticketing.PermissionDenied; return errors.As(err, &e) }},
		{404, func(err error) bool { var e *ticketing.TicketNotFound; return errors.As(err, &e) && e.ID == "42" }},
		{400, func(err error) bool { var e *ticketing.InvalidTicketData; return errors.As(err, &e) }},
		{422, func(err error) bool { var e *ticketing.InvalidTicketData; return errors.As(err, &e) }},
		{500, func(err error) bool { var e *StatusError; return errors.As(err, &e) && e.Status == 500 }},
	}
	for _, tt := range tests {
		c, _, _ := scripted(t, "", tt.status)
		_, err := c.Do(context.Background(), Request{Method: "GET", Path: "/x", Operation: "getting ticket", TicketID: "42"})
		if !tt.check(err) {
			t.Errorf("status %d: Do = %v (%T), want its typed error", tt.status, err, errors.Unwrap(err))
		}
	}
}

func TestDoHonoursCancelledContext(t *testing.T) {
	c, _, _ := scripted(t, "1", 429)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Do(ctx, Request{Method: "GET", Path: "/x", Operation: "getting x"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Do = %v, want context.Canceled", err)
	}
}

func TestDoRejectsUnreadableJSON(t *testing.T) {
	c, _, _ := scripted(t, "")
	var out struct{ OK int }
	err := c.DoJSON(context.Background(), Request{Method: "GET", Path: "/x", Operation: "getting x"}, nil, &out)
	var invalid *ticketing.InvalidTicketData
	if !errors.As(err, &invalid) {
		t.Fatalf("DoJSON = %v, want InvalidTicketData", err)
	}
}

func TestDoKeepsCredentialsOutOfLogsAndErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/busy" {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"message":"token expired"}`))
	}))
	t.Cleanup(srv.Close)
	base, _ := ParseBaseURL(srv.URL)
	var logs bytes.Buffer
	const secret = "very-secret-token"
	c := &Client{BaseURL: base, HTTP: srv.Client(), Auth: Basic("svc", secret), Clock: &fakeClock{},
		MaxAttempts: 2, Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	var messages []string
	for _, path := range []string{"/busy", "/denied"} {
		_, err := c.Do(context.Background(), Request{Method: "GET", Path: path, Operation: "getting x"})
		if err == nil {
			t.Fatalf("Do(%s) = nil error, want one", path)
		}
		messages = append(messages, err.Error())
	}
	if logs.Len() == 0 {
		t.Fatal("no retry was logged")
	}
	encoded := base64.StdEncoding.EncodeToString([]byte("svc:" + secret))
	for _, text := range append(messages, logs.String()) {
		if strings.Contains(text, secret) || strings.Contains(text, encoded) {
			t.Errorf("credentials leaked into %q", text)
		}
	}
}
