package abuseipdb

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/secamo/orchestrator/adapters/intel"
	"github.com/secamo/orchestrator/adapters/intel/inteltest"
	sandbox "github.com/secamo/orchestrator/sandbox/intel"
	"github.com/secamo/orchestrator/secrets"
)

const testKey = "abuse-test-key-0123456789"

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

type fixture struct {
	emu    *sandbox.AbuseIPDB
	srv    *httptest.Server
	clock  *inteltest.Clock
	client *Client
	logs   *bytes.Buffer
}

// newFixture starts the emulator and a client of it; edit changes the client's options.
func newFixture(t *testing.T, emuOpts sandbox.AbuseIPDBOptions, edit func(*Options)) *fixture {
	t.Helper()
	clock := inteltest.NewClock(start)
	if emuOpts.Key == "" {
		emuOpts.Key = testKey
	}
	emuOpts.Now = clock.Now
	emu := sandbox.NewAbuseIPDB(emuOpts)
	if err := emu.Seed("118.25.6.39", sandbox.AbuseReport{Score: 100, TotalReports: 42, Users: 17,
		CountryCode: "CN", UsageType: "Data Center/Web Hosting/Transit", ISP: "Example Cloud", Domain: "example.cn",
		LastReported: start.Add(-2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)

	logs := &bytes.Buffer{}
	opts := Options{
		BaseURL:    srv.URL + "/api/v2",
		HTTPClient: srv.Client(),
		Secrets:    secrets.Static{"env:ABUSEIPDB_KEY": testKey},
		KeyRef:     "env:ABUSEIPDB_KEY",
		Gate:       intel.GateOptions{Clock: clock},
		Logger:     slog.New(slog.NewJSONHandler(logs, nil)),
	}
	if edit != nil {
		edit(&opts)
	}
	f := &fixture{emu: emu, srv: srv, clock: clock, client: New(opts), logs: logs}
	t.Cleanup(func() {
		if strings.Contains(logs.String(), testKey) {
			t.Errorf("logs contain the API key:\n%s", logs)
		}
	})
	return f
}

func TestLookupScoredIP(t *testing.T) {
	f := newFixture(t, sandbox.AbuseIPDBOptions{}, nil)
	r := f.client.Lookup(context.Background(), "118.25.6.39")

	if r.Skipped || r.Unavailable {
		t.Fatalf("Lookup = %+v, want a scored result", r)
	}
	if r.Score != 100 || r.Verdict != intel.VerdictMalicious {
		t.Errorf("score, verdict = %d, %s, want 100, malicious", r.Score, r.Verdict)
	}
	if r.Source != Source || r.Kind != intel.KindIP || r.Indicator != "118.25.6.39" {
		t.Errorf("source, kind, indicator = %s, %s, %s", r.Source, r.Kind, r.Indicator)
	}
	if r.Details["totalReports"] != 42 || r.Details["countryCode"] != "CN" || r.Details["isp"] != "Example Cloud" {
		t.Errorf("details = %v", r.Details)
	}
	if r.Link != "https://www.abuseipdb.com/check/118.25.6.39" {
		t.Errorf("link = %q", r.Link)
	}
	if !r.FetchedAt.Equal(start) {
		t.Errorf("fetched at %v, want %v", r.FetchedAt, start)
	}
}

func TestLookupUnreportedIP(t *testing.T) {
	f := newFixture(t, sandbox.AbuseIPDBOptions{}, nil)
	r := f.client.Lookup(context.Background(), "8.8.8.8")
	if r.Unavailable || r.Skipped || r.Score != 0 || r.Verdict != intel.VerdictUnknown {
		t.Errorf("Lookup = %+v, want score 0 and verdict unknown", r)
	}
}

func TestLookupSkipsWithoutRequest(t *testing.T) {
	tests := []struct {
		indicator, reason string
	}{
		{"10.1.2.3", "RFC 1918"},
		{"192.168.0.10", "RFC 1918"},
		{"127.0.0.1", "loopback"},
		{"169.254.169.254", "link-local"},
		{"100.64.1.1", "carrier-grade NAT"},
		{"203.0.113.7", "documentation"},
		{"2001:db8::1", "documentation"},
		{"fd00::1", "unique local"},
		{"fe80::1%eth0", "link-local"},
		{"::ffff:10.0.0.1", "RFC 1918"},
		{"evil.example.com", "does not look up indicators of kind domain"},
		{"44d88612fea8a8f36de82e1278abb02f", "kind hash"},
		{"not an indicator", "not an IP address"},
	}
	f := newFixture(t, sandbox.AbuseIPDBOptions{}, nil)
	for _, tt := range tests {
		t.Run(tt.indicator, func(t *testing.T) {
			r := f.client.Lookup(context.Background(), tt.indicator)
			if !r.Skipped || !strings.Contains(r.Reason, tt.reason) {
				t.Errorf("Lookup(%q) = %+v, want skipped with %q", tt.indicator, r, tt.reason)
			}
		})
	}
	if n := f.emu.Requests(); n != 0 {
		t.Errorf("emulator got %d requests, want 0", n)
	}
}

func TestLookupCachesUntilTTL(t *testing.T) {
	f := newFixture(t, sandbox.AbuseIPDBOptions{}, func(o *Options) { o.CacheTTL = time.Hour })
	ctx := context.Background()

	first := f.client.Lookup(ctx, "118.25.6.39")
	second := f.client.Lookup(ctx, "118.25.6.39")
	if first.Cached || !second.Cached {
		t.Errorf("cached = %v, %v, want false, true", first.Cached, second.Cached)
	}
	if second.Score != first.Score {
		t.Errorf("cached score = %d, want %d", second.Score, first.Score)
	}
	if n := f.emu.Requests(); n != 1 {
		t.Errorf("requests after two lookups = %d, want 1", n)
	}

	f.clock.Advance(time.Hour)
	if r := f.client.Lookup(ctx, "118.25.6.39"); r.Cached {
		t.Error("lookup after the TTL was served from the cache")
	}
	if n := f.emu.Requests(); n != 2 {
		t.Errorf("requests after expiry = %d, want 2", n)
	}
}

func TestLookupRetriesAfterRetryAfter(t *testing.T) {
	f := newFixture(t, sandbox.AbuseIPDBOptions{}, nil)
	f.emu.FailNext(sandbox.TooManyRequests(7*time.Second), 1)

	r := f.client.Lookup(context.Background(), "118.25.6.39")
	if r.Unavailable || r.Score != 100 {
		t.Fatalf("Lookup = %+v, want score 100 after the retry", r)
	}
	if n := f.emu.Requests(); n != 2 {
		t.Errorf("requests = %d, want 2", n)
	}
	if sleeps := f.clock.Sleeps(); len(sleeps) != 1 || sleeps[0] != 7*time.Second {
		t.Errorf("sleeps = %v, want [7s]", sleeps)
	}
}

func TestLookupDailyQuotaExceeded(t *testing.T) {
	f := newFixture(t, sandbox.AbuseIPDBOptions{DailyLimit: 1}, nil)
	ctx := context.Background()
	if r := f.client.Lookup(ctx, "8.8.8.8"); r.Unavailable {
		t.Fatalf("first lookup unavailable: %s", r.Reason)
	}

	r := f.client.Lookup(ctx, "118.25.6.39")
	if !r.Unavailable || !strings.Contains(r.Reason, "HTTP 429") || !strings.Contains(r.Reason, "retry after 15h0m0s") {
		t.Errorf("Lookup = %+v, want unavailable with a 429 and the wait until midnight UTC", r)
	}
	if sleeps := f.clock.Sleeps(); len(sleeps) != 0 {
		t.Errorf("waited %v for a reset hours away, want no wait", sleeps)
	}
}

func TestLookupUnavailable(t *testing.T) {
	tests := []struct {
		name   string
		fault  *sandbox.Fault
		edit   func(*Options)
		reason string
	}{
		{name: "server error", fault: &sandbox.Fault{Status: 500}, reason: "AbuseIPDB is unavailable (HTTP 500)"},
		{name: "slow", fault: &sandbox.Fault{Delay: time.Minute},
			edit: func(o *Options) { o.Gate.Timeout = 50 * time.Millisecond }, reason: "did not complete"},
		{name: "down", edit: func(o *Options) { o.BaseURL = "http://127.0.0.1:1/api/v2" }, reason: "did not complete"},
		{name: "missing key", edit: func(o *Options) { o.KeyRef = "" }, reason: "no API key configured"},
		{name: "unresolved key", edit: func(o *Options) { o.KeyRef = "env:OTHER" }, reason: "API key not found"},
		{name: "wrong key", edit: func(o *Options) { o.Secrets = secrets.Static{"env:ABUSEIPDB_KEY": "wrong"} },
			reason: "rejected the API key (HTTP 401)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, sandbox.AbuseIPDBOptions{}, tt.edit)
			if tt.fault != nil {
				f.emu.FailNext(*tt.fault, 1)
			}
			r := f.client.Lookup(context.Background(), "118.25.6.39")
			if !r.Unavailable || !strings.Contains(r.Reason, tt.reason) {
				t.Errorf("Lookup = %+v, want unavailable with %q", r, tt.reason)
			}
			if r.Source != Source || r.Indicator != "118.25.6.39" {
				t.Errorf("source, indicator = %s, %s", r.Source, r.Indicator)
			}
		})
	}
}

func TestLookupNotCachedWhenUnavailable(t *testing.T) {
	f := newFixture(t, sandbox.AbuseIPDBOptions{}, nil)
	f.emu.FailNext(sandbox.ServerError(), 1)
	ctx := context.Background()
	if r := f.client.Lookup(ctx, "118.25.6.39"); !r.Unavailable {
		t.Fatalf("first lookup = %+v, want unavailable", r)
	}
	if r := f.client.Lookup(ctx, "118.25.6.39"); r.Unavailable || r.Cached {
		t.Errorf("second lookup = %+v, want a fresh score", r)
	}
}
