package intel_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/secamo/orchestrator/adapters/intel"
	"github.com/secamo/orchestrator/adapters/intel/inteltest"
	"github.com/secamo/orchestrator/secrets"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func TestClassify(t *testing.T) {
	tests := []struct {
		in    string
		kind  intel.Kind
		canon string
	}{
		{"8.8.8.8", intel.KindIP, "8.8.8.8"},
		{" 2606:4700:4700::1111 ", intel.KindIP, "2606:4700:4700::1111"},
		{"::ffff:1.2.3.4", intel.KindIP, "1.2.3.4"},
		{"Evil.Example.COM.", intel.KindDomain, "evil.example.com"},
		{"xn--bcher-kva.example", intel.KindDomain, "xn--bcher-kva.example"},
		{"44D88612FEA8A8F36DE82E1278ABB02F", intel.KindHash, "44d88612fea8a8f36de82e1278abb02f"},
		{"3395856ce81f2b7382dee72602f798b642f14140", intel.KindHash, "3395856ce81f2b7382dee72602f798b642f14140"},
		{"localhost", intel.KindUnknown, "localhost"},
		{"1.2.3.999", intel.KindUnknown, "1.2.3.999"},
		{"http://evil.example.com/x", intel.KindUnknown, "http://evil.example.com/x"},
		{"-bad.example", intel.KindUnknown, "-bad.example"},
		{"", intel.KindUnknown, ""},
	}
	for _, tt := range tests {
		kind, canon := intel.Classify(tt.in)
		if kind != tt.kind || canon != tt.canon {
			t.Errorf("Classify(%q) = %s, %q, want %s, %q", tt.in, kind, canon, tt.kind, tt.canon)
		}
	}
}

func TestSkipReason(t *testing.T) {
	tests := []struct {
		addr, want string // want is a part of the reason, "" for a public address
	}{
		{"8.8.8.8", ""},
		{"2606:4700:4700::1111", ""},
		{"172.32.0.1", ""},
		{"10.0.0.1", "10.0.0.0/8"},
		{"172.31.255.255", "172.16.0.0/12"},
		{"100.127.0.1", "100.64.0.0/10"},
		{"198.51.100.20", "documentation"},
		{"239.255.255.250", "multicast"},
		{"0.0.0.0", "this network"},
		{"::1", "loopback"},
		{"ff02::1", "multicast"},
		{"fe80::1%en0", "link-local"},
		{"::ffff:192.168.1.1", "192.168.0.0/16"},
	}
	for _, tt := range tests {
		got := intel.SkipReason(netip.MustParseAddr(tt.addr))
		if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
			t.Errorf("SkipReason(%s) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}

func TestCacheExpiresOnClock(t *testing.T) {
	clock := inteltest.NewClock(start)
	c := intel.NewCache(time.Minute, clock)
	c.Put(intel.Result{Source: "s", Indicator: "8.8.8.8", Score: 3})
	c.Put(intel.Unavailable("s", "9.9.9.9", intel.KindIP, start, "down"))

	if r, ok := c.Get("s", "8.8.8.8"); !ok || !r.Cached || r.Score != 3 {
		t.Errorf("Get = %+v, %v, want the cached score 3", r, ok)
	}
	if _, ok := c.Get("other", "8.8.8.8"); ok {
		t.Error("Get found the result under another source")
	}
	if _, ok := c.Get("s", "9.9.9.9"); ok {
		t.Error("Get found an unavailable result, which must not be cached")
	}
	clock.Advance(time.Minute)
	if _, ok := c.Get("s", "8.8.8.8"); ok {
		t.Error("Get found the result after its TTL")
	}
}

// countingSource returns a score for every indicator and records the lookups in flight.
type countingSource struct {
	name             string
	mu               sync.Mutex
	calls            []string
	inFlight, maxSet atomic.Int32
	release          chan struct{}
}

func (s *countingSource) Name() string { return s.name }

func (s *countingSource) Lookup(ctx context.Context, indicator string) intel.Result {
	n := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	for {
		m := s.maxSet.Load()
		if n <= m || s.maxSet.CompareAndSwap(m, n) {
			break
		}
	}
	s.mu.Lock()
	s.calls = append(s.calls, indicator)
	s.mu.Unlock()
	if s.release != nil {
		<-s.release
	}
	return intel.Result{Source: s.name, Indicator: indicator, Score: len(indicator)}
}

func TestEnrichOneResultPerIndicatorAndSource(t *testing.T) {
	a := &countingSource{name: "a"}
	b := &countingSource{name: "b"}
	e := intel.NewEnricher(3, a, b)

	got := e.Enrich(context.Background(), []string{"8.8.8.8", "Example.com.", "example.com", "1.1.1.1"})
	want := []struct{ source, indicator string }{
		{"a", "8.8.8.8"}, {"b", "8.8.8.8"},
		{"a", "example.com"}, {"b", "example.com"},
		{"a", "1.1.1.1"}, {"b", "1.1.1.1"},
	}
	if len(got) != len(want) {
		t.Fatalf("Enrich returned %d results, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].Source != w.source || got[i].Indicator != w.indicator {
			t.Errorf("result %d = %s %s, want %s %s", i, got[i].Source, got[i].Indicator, w.source, w.indicator)
		}
	}
	if len(a.calls) != 3 || len(b.calls) != 3 {
		t.Errorf("calls = %v, %v, want 3 each", a.calls, b.calls)
	}
}

func TestEnrichBoundsConcurrency(t *testing.T) {
	release := make(chan struct{})
	src := &countingSource{name: "slow", release: release}
	e := intel.NewEnricher(2, src)

	done := make(chan []intel.Result)
	go func() { done <- e.Enrich(context.Background(), []string{"1.1.1.1", "1.0.0.1", "9.9.9.9", "8.8.8.8"}) }()
	for range 4 {
		release <- struct{}{}
	}
	results := <-done
	if len(results) != 4 {
		t.Fatalf("Enrich returned %d results, want 4", len(results))
	}
	if m := src.maxSet.Load(); m > 2 {
		t.Errorf("%d lookups ran at once, want at most 2", m)
	}
}

func TestGateRetryAfterForms(t *testing.T) {
	tests := []struct {
		name     string
		header   http.Header
		requests int
		sleeps   []time.Duration
	}{
		{"seconds", http.Header{"Retry-After": {"3"}}, 2, []time.Duration{3 * time.Second}},
		{"http date", http.Header{"Retry-After": {start.Add(9 * time.Second).Format(http.TimeFormat)}}, 2, []time.Duration{9 * time.Second}},
		{"rate limit reset", http.Header{"X-Ratelimit-Reset": {"1772442005"}}, 2, []time.Duration{5 * time.Second}},
		{"too long", http.Header{"Retry-After": {"3600"}}, 1, nil},
		{"missing", http.Header{}, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var requests atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if requests.Add(1) == 1 {
					for k, v := range tt.header {
						w.Header()[k] = v
					}
					w.WriteHeader(http.StatusTooManyRequests)
					return
				}
				w.WriteHeader(http.StatusOK)
			}))
			defer srv.Close()
			clock := inteltest.NewClock(start)
			g := intel.NewGate(intel.GateOptions{Clock: clock})

			resp, err := g.Do(context.Background(), srv.Client(), func(ctx context.Context) (*http.Request, error) {
				return http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
			})
			if err != nil {
				t.Fatal(err)
			}
			if int(requests.Load()) != tt.requests {
				t.Errorf("requests = %d, want %d", requests.Load(), tt.requests)
			}
			if wantStatus := map[bool]int{true: 200, false: 429}[tt.requests == 2]; resp.Status != wantStatus {
				t.Errorf("status = %d, want %d", resp.Status, wantStatus)
			}
			if got := clock.Sleeps(); len(got) != len(tt.sleeps) || len(got) > 0 && got[0] != tt.sleeps[0] {
				t.Errorf("sleeps = %v, want %v", got, tt.sleeps)
			}
		})
	}
}

func TestResolveKey(t *testing.T) {
	resolver := secrets.Static{"env:K": "secret-value", "env:EMPTY": ""}
	tests := []struct {
		ref    secrets.Ref
		key    string
		reason string
	}{
		{"env:K", "secret-value", ""},
		{"", "", "no API key configured"},
		{"env:MISSING", "", "API key not found"},
		{"env:EMPTY", "", "empty value"},
	}
	for _, tt := range tests {
		key, reason := intel.ResolveKey(context.Background(), resolver, tt.ref)
		if key != tt.key || !strings.Contains(reason, tt.reason) || tt.reason == "" && reason != "" {
			t.Errorf("ResolveKey(%q) = %q, %q, want %q, %q", tt.ref, key, reason, tt.key, tt.reason)
		}
		if strings.Contains(reason, "secret-value") {
			t.Errorf("reason %q contains the key", reason)
		}
	}
}
