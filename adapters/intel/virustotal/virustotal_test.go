package virustotal

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

const (
	testKey = "vt-test-key-abcdef0123456789"
	eicar   = "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

type fixture struct {
	emu    *sandbox.VirusTotal
	clock  *inteltest.Clock
	client *Client
}

func newFixture(t *testing.T, emuOpts sandbox.VirusTotalOptions, edit func(*Options)) *fixture {
	t.Helper()
	clock := inteltest.NewClock(start)
	emuOpts.Key = testKey
	emuOpts.Now = clock.Now
	emu := sandbox.NewVirusTotal(emuOpts)
	if err := emu.SeedIP("185.220.101.4", sandbox.VTReport{Malicious: 12, Suspicious: 2, Harmless: 50, Undetected: 30,
		Timeout: 1, Reputation: -40, Country: "DE", ASOwner: "Example Hosting"}); err != nil {
		t.Fatal(err)
	}
	emu.SeedDomain("login-example.net", sandbox.VTReport{Malicious: 1, Harmless: 60, Undetected: 29, Registrar: "Example Registrar"})
	emu.SeedFile(eicar, sandbox.VTReport{Malicious: 60, Undetected: 10, MeaningfulName: "eicar.com", TypeDescription: "Text"})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)

	logs := &bytes.Buffer{}
	opts := Options{
		BaseURL:    srv.URL + "/api/v3",
		HTTPClient: srv.Client(),
		Secrets:    secrets.Static{"secretsmanager:vt": testKey},
		KeyRef:     "secretsmanager:vt",
		Gate:       intel.GateOptions{Clock: clock},
		Logger:     slog.New(slog.NewJSONHandler(logs, nil)),
	}
	if edit != nil {
		edit(&opts)
	}
	t.Cleanup(func() {
		if strings.Contains(logs.String(), testKey) {
			t.Errorf("logs contain the API key:\n%s", logs)
		}
	})
	return &fixture{emu: emu, clock: clock, client: New(opts)}
}

func TestLookupKinds(t *testing.T) {
	tests := []struct {
		indicator string
		kind      intel.Kind
		score     int
		verdict   intel.Verdict
		link      string
		detail    string
		value     any
	}{
		{"185.220.101.4", intel.KindIP, 14, intel.VerdictMalicious, "https://www.virustotal.com/gui/ip-address/185.220.101.4", "asOwner", "Example Hosting"},
		{"Login-Example.NET.", intel.KindDomain, 1, intel.VerdictSuspicious, "https://www.virustotal.com/gui/domain/login-example.net", "registrar", "Example Registrar"},
		{strings.ToUpper(eicar), intel.KindHash, 85, intel.VerdictMalicious, "https://www.virustotal.com/gui/file/" + eicar, "meaningfulName", "eicar.com"},
		{"8.8.4.4", intel.KindIP, 0, intel.VerdictUnknown, "https://www.virustotal.com/gui/ip-address/8.8.4.4", "malicious", 0},
	}
	f := newFixture(t, sandbox.VirusTotalOptions{MinuteQuota: 100}, nil)
	for _, tt := range tests {
		t.Run(tt.indicator, func(t *testing.T) {
			r := f.client.Lookup(context.Background(), tt.indicator)
			if r.Skipped || r.Unavailable {
				t.Fatalf("Lookup = %+v, want a scored result", r)
			}
			if r.Kind != tt.kind || r.Score != tt.score || r.Verdict != tt.verdict {
				t.Errorf("kind, score, verdict = %s, %d, %s, want %s, %d, %s", r.Kind, r.Score, r.Verdict, tt.kind, tt.score, tt.verdict)
			}
			if r.Link != tt.link {
				t.Errorf("link = %q, want %q", r.Link, tt.link)
			}
			if r.Details[tt.detail] != tt.value {
				t.Errorf("details[%s] = %v, want %v", tt.detail, r.Details[tt.detail], tt.value)
			}
		})
	}
}

func TestLookupUnknownFile(t *testing.T) {
	f := newFixture(t, sandbox.VirusTotalOptions{}, nil)
	r := f.client.Lookup(context.Background(), strings.Repeat("ab", 32))
	if r.Unavailable || r.Verdict != intel.VerdictUnknown || !strings.Contains(r.Reason, "no report") {
		t.Errorf("Lookup = %+v, want verdict unknown with no report", r)
	}
}

func TestLookupPrivateIPSkipped(t *testing.T) {
	f := newFixture(t, sandbox.VirusTotalOptions{}, nil)
	r := f.client.Lookup(context.Background(), "172.16.5.9")
	if !r.Skipped || !strings.Contains(r.Reason, "172.16.0.0/12") {
		t.Errorf("Lookup = %+v, want skipped for 172.16.0.0/12", r)
	}
	if n := f.emu.Requests(); n != 0 {
		t.Errorf("requests = %d, want 0", n)
	}
}

func TestLookupCached(t *testing.T) {
	f := newFixture(t, sandbox.VirusTotalOptions{}, nil)
	ctx := context.Background()
	f.client.Lookup(ctx, "185.220.101.4")
	r := f.client.Lookup(ctx, "185.220.101.4")
	if !r.Cached || r.Score != 14 {
		t.Errorf("second lookup = %+v, want cached score 14", r)
	}
	if n := f.emu.Requests(); n != 1 {
		t.Errorf("requests = %d, want 1", n)
	}
}

func TestLookupSpacedByPublicRate(t *testing.T) {
	f := newFixture(t, sandbox.VirusTotalOptions{}, nil)
	ctx := context.Background()
	for _, ip := range []string{"1.1.1.1", "1.0.0.1", "9.9.9.9", "8.8.8.8", "8.8.4.4", "4.2.2.2"} {
		if r := f.client.Lookup(ctx, ip); r.Unavailable {
			t.Fatalf("Lookup(%s) unavailable: %s; the gate let the minute quota run out", ip, r.Reason)
		}
	}
	if got, want := f.clock.Now().Sub(start), 75*time.Second; got != want {
		t.Errorf("six lookups took %v on the clock, want %v (one per 15s)", got, want)
	}
}

func TestLookupRetriesAfterRetryAfter(t *testing.T) {
	f := newFixture(t, sandbox.VirusTotalOptions{}, nil)
	f.emu.FailNext(sandbox.TooManyRequests(20*time.Second), 1)
	r := f.client.Lookup(context.Background(), "185.220.101.4")
	if r.Unavailable || r.Score != 14 {
		t.Fatalf("Lookup = %+v, want score 14 after the retry", r)
	}
	if sleeps := f.clock.Sleeps(); len(sleeps) == 0 || sleeps[0] != 20*time.Second {
		t.Errorf("sleeps = %v, want 20s first", sleeps)
	}
	if n := f.emu.Requests(); n != 2 {
		t.Errorf("requests = %d, want 2", n)
	}
}

func TestLookupUnavailable(t *testing.T) {
	tests := []struct {
		name   string
		fault  *sandbox.Fault
		edit   func(*Options)
		reason string
	}{
		{name: "quota exceeded", fault: new(sandbox.QuotaExceeded()), reason: "QuotaExceededError"},
		{name: "server error", fault: new(sandbox.ServerError()), reason: "VirusTotal is unavailable (HTTP 500)"},
		{name: "slow", fault: new(sandbox.Slow(time.Minute)),
			edit: func(o *Options) { o.Gate.Timeout = 50 * time.Millisecond }, reason: "did not complete"},
		{name: "missing key", edit: func(o *Options) { o.KeyRef = "" }, reason: "no API key configured"},
		{name: "wrong key", edit: func(o *Options) { o.Secrets = secrets.Static{"secretsmanager:vt": "nope"} },
			reason: "WrongCredentialsError"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, sandbox.VirusTotalOptions{}, tt.edit)
			if tt.fault != nil {
				f.emu.FailNext(*tt.fault, 1)
			}
			r := f.client.Lookup(context.Background(), "185.220.101.4")
			if !r.Unavailable || !strings.Contains(r.Reason, tt.reason) {
				t.Errorf("Lookup = %+v, want unavailable with %q", r, tt.reason)
			}
		})
	}
}

func TestLookupDailyQuotaOfEmulator(t *testing.T) {
	f := newFixture(t, sandbox.VirusTotalOptions{DailyQuota: 1}, nil)
	ctx := context.Background()
	if r := f.client.Lookup(ctx, "1.1.1.1"); r.Unavailable {
		t.Fatalf("first lookup unavailable: %s", r.Reason)
	}
	r := f.client.Lookup(ctx, "185.220.101.4")
	if !r.Unavailable || !strings.Contains(r.Reason, "QuotaExceededError") {
		t.Errorf("Lookup = %+v, want unavailable with QuotaExceededError", r)
	}
}
