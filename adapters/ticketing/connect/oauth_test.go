package connect

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"maps"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secamo/orchestrator/adapters/ticketing"
	sdpemu "github.com/secamo/orchestrator/sandbox/ticketing/servicedeskplus"
	"github.com/secamo/orchestrator/secrets"
	"github.com/secamo/orchestrator/tenants"
)

const (
	zohoClientID     = "1000.CLIENTID"
	zohoClientSecret = "client-secret-value"
	zohoRefreshToken = "1000.refresh-token-value"
)

var zohoSecrets = secrets.Static{
	"env:ZOHO_CLIENT_SECRET":  zohoClientSecret,
	"env:ZOHO_REFRESH_TOKEN":  zohoRefreshToken,
	"env:WRONG_REFRESH_TOKEN": "1000.revoked",
}

// fakeClock is a clock that moves only when the test advances it.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.advance(d)
	return ctx.Err()
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// zohoTenant starts the ServiceDesk Plus emulator with a token endpoint whose tokens expire on
// serverClock, and returns the tenant configuration that refreshes from it.
func zohoTenant(t *testing.T, serverClock *fakeClock) (*sdpemu.Server, *httptest.Server, tenants.Ticketing) {
	t.Helper()
	return oauthTenant(t, serverClock, false)
}

// oauthTenant is zohoTenant with a token endpoint that rotates the refresh token at every
// refresh, as Jira Cloud's does, when rotate is set.
func oauthTenant(t *testing.T, serverClock *fakeClock, rotate bool) (*sdpemu.Server, *httptest.Server, tenants.Ticketing) {
	t.Helper()
	emu := sdpemu.New(sdpemu.Options{Now: serverClock.Now, OAuthClient: &sdpemu.OAuthClient{
		ClientID: zohoClientID, ClientSecret: zohoClientSecret, RefreshToken: zohoRefreshToken, RotateRefreshToken: rotate}})
	srv := emu.Start()
	t.Cleanup(srv.Close)
	cfg := tenants.Ticketing{System: "servicedeskplus", BaseURL: srv.URL, Auth: "oauth",
		OAuth: &tenants.TicketingOAuth{TokenURL: srv.URL + sdpemu.TokenPath, ClientID: zohoClientID,
			ClientSecret: "env:ZOHO_CLIENT_SECRET", RefreshToken: "env:ZOHO_REFRESH_TOKEN"}}
	return emu, srv, cfg
}

func TestOAuthRefreshesExpiredToken(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{now: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)}
	emu, srv, cfg := zohoTenant(t, clock)
	var logs bytes.Buffer
	sys, err := New(ctx, cfg, zohoSecrets, WithHTTPClient(srv.Client()), WithClock(clock),
		WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if err != nil {
		t.Fatal(err)
	}
	if got := emu.TokenGrants(); got != 0 {
		t.Fatalf("token grants after New = %d, want 0: New makes no request", got)
	}

	created, err := sys.CreateTicket(ctx, ticketing.NewTicket{Subject: "Offboard Jane Doe", Requester: "hr@example.com"})
	if err != nil {
		t.Fatalf("CreateTicket = %v", err)
	}
	if got := emu.TokenGrants(); got != 1 {
		t.Errorf("token grants after the first call = %d, want 1", got)
	}

	clock.advance(30 * time.Minute)
	if _, err := sys.GetTicket(ctx, created.ID); err != nil {
		t.Fatalf("GetTicket within the hour = %v", err)
	}
	if got := emu.TokenGrants(); got != 1 {
		t.Errorf("token grants within the hour = %d, want 1: the token is cached", got)
	}

	clock.advance(31 * time.Minute)
	if _, err := sys.GetTicket(ctx, created.ID); err != nil {
		t.Fatalf("GetTicket after the token expired = %v", err)
	}
	if got := emu.TokenGrants(); got != 2 {
		t.Errorf("token grants after expiry = %d, want 2", got)
	}

	for _, secret := range []string{zohoClientSecret, zohoRefreshToken, "1000.0000"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("logs contain a secret or token (%q):\n%s", secret, logs.String())
		}
	}
}

// TestOAuthRetriesAfterRejection lets the system expire the token before the adapter's
// clock does, so the 401 itself makes the adapter refresh.
func TestOAuthRetriesAfterRejection(t *testing.T) {
	ctx := context.Background()
	serverClock := &fakeClock{now: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)}
	adapterClock := &fakeClock{now: serverClock.now}
	emu, srv, cfg := zohoTenant(t, serverClock)
	sys, err := New(ctx, cfg, zohoSecrets, WithHTTPClient(srv.Client()), WithClock(adapterClock))
	if err != nil {
		t.Fatal(err)
	}
	created, err := sys.CreateTicket(ctx, ticketing.NewTicket{Subject: "Offboard Jane Doe", Requester: "hr@example.com"})
	if err != nil {
		t.Fatalf("CreateTicket = %v", err)
	}

	serverClock.advance(2 * time.Hour)
	if _, err := sys.GetTicket(ctx, created.ID); err != nil {
		t.Fatalf("GetTicket after the system expired the token = %v, want a refresh and a retry", err)
	}
	if got := emu.TokenGrants(); got != 2 {
		t.Errorf("token grants = %d, want 2", got)
	}
}

func TestOAuthKeepsRotatedRefreshToken(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{now: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)}
	emu, srv, cfg := oauthTenant(t, clock, true)
	store := maps.Clone(zohoSecrets)
	sys, err := New(ctx, cfg, store, WithHTTPClient(srv.Client()), WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}

	for hour := range 3 {
		if _, err := sys.CreateTicket(ctx, ticketing.NewTicket{Subject: "Offboard Jane Doe", Requester: "hr@example.com"}); err != nil {
			t.Fatalf("CreateTicket in hour %d = %v, want the rotated refresh token used", hour, err)
		}
		clock.advance(time.Hour)
	}
	if got := emu.TokenGrants(); got != 3 {
		t.Errorf("token grants = %d, want 3", got)
	}

	// The rotated token was written back, so a restarted process, which resolves the
	// reference again, is not rejected with the used one.
	if store["env:ZOHO_REFRESH_TOKEN"] == zohoRefreshToken {
		t.Fatal("the stored refresh token is still the first one, want the rotated one written back")
	}
	restarted, err := New(ctx, cfg, store, WithHTTPClient(srv.Client()), WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := restarted.CreateTicket(ctx, ticketing.NewTicket{Subject: "Offboard John Doe", Requester: "hr@example.com"}); err != nil {
		t.Errorf("CreateTicket after a restart = %v, want the stored refresh token accepted", err)
	}
}

// TestOAuthTakesTokenRotatedElsewhere runs two processes on one stored refresh token, as
// two Lambda functions do: after the first rotates it, the second's refresh is rejected,
// reads the newer token from the store and goes on.
func TestOAuthTakesTokenRotatedElsewhere(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{now: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)}
	_, srv, cfg := oauthTenant(t, clock, true)
	store := maps.Clone(zohoSecrets)
	first, err := New(ctx, cfg, store, WithHTTPClient(srv.Client()), WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	second, err := New(ctx, cfg, store, WithHTTPClient(srv.Client()), WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	ticket := ticketing.NewTicket{Subject: "Offboard Jane Doe", Requester: "hr@example.com"}
	if _, err := first.CreateTicket(ctx, ticket); err != nil {
		t.Fatalf("first process: %v", err)
	}
	if _, err := second.CreateTicket(ctx, ticket); err != nil {
		t.Errorf("second process after the first rotated the token: %v, want it to read the stored one", err)
	}
}

func TestOAuthWrongRefreshToken(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{now: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)}
	_, srv, cfg := zohoTenant(t, clock)
	cfg.OAuth.RefreshToken = "env:WRONG_REFRESH_TOKEN"
	sys, err := New(ctx, cfg, zohoSecrets, WithHTTPClient(srv.Client()), WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}

	_, err = sys.CreateTicket(ctx, ticketing.NewTicket{Subject: "Offboard Jane Doe", Requester: "hr@example.com"})
	var denied *ticketing.PermissionDenied
	if !errors.As(err, &denied) {
		t.Fatalf("CreateTicket = %v, want PermissionDenied", err)
	}
	if !strings.Contains(err.Error(), cfg.OAuth.TokenURL) {
		t.Errorf("error %q does not name the token endpoint %s", err, cfg.OAuth.TokenURL)
	}
	if !strings.Contains(err.Error(), "invalid_code") {
		t.Errorf("error %q does not give Zoho's error code", err)
	}
	for _, secret := range []string{zohoClientSecret, "1000.revoked"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error contains a secret: %v", err)
		}
	}
}

func TestOAuthNamesTheWrongField(t *testing.T) {
	good := tenants.TicketingOAuth{TokenURL: "https://accounts.zoho.eu/oauth/v2/token", ClientID: zohoClientID,
		ClientSecret: "env:ZOHO_CLIENT_SECRET", RefreshToken: "env:ZOHO_REFRESH_TOKEN"}
	tests := []struct {
		name   string
		auth   string
		change func(*tenants.TicketingOAuth)
		field  string
	}{
		{"token auth", "token", func(*tenants.TicketingOAuth) {}, "ticketing.oauth"},
		{"missing token URL", "oauth", func(o *tenants.TicketingOAuth) { o.TokenURL = "" }, "ticketing.oauth.tokenURL"},
		{"relative token URL", "oauth", func(o *tenants.TicketingOAuth) { o.TokenURL = "accounts.zoho.eu" }, "ticketing.oauth.tokenURL"},
		{"missing client id", "oauth", func(o *tenants.TicketingOAuth) { o.ClientID = "" }, "ticketing.oauth.clientID"},
		{"missing client secret", "oauth", func(o *tenants.TicketingOAuth) { o.ClientSecret = "" }, "ticketing.oauth.clientSecret"},
		{"unresolvable refresh token", "oauth", func(o *tenants.TicketingOAuth) { o.RefreshToken = "env:NOT_SET" }, "ticketing.oauth.refreshToken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			block := good
			tt.change(&block)
			cfg := tenants.Ticketing{System: "servicedeskplus", BaseURL: "https://sdpondemand.manageengine.eu/app/itdesk",
				Auth: tt.auth, OAuth: &block}
			_, err := New(context.Background(), cfg, zohoSecrets)
			var fieldErr *FieldError
			if !errors.As(err, &fieldErr) {
				t.Fatalf("New = %v, want a FieldError", err)
			}
			if fieldErr.Field != tt.field {
				t.Errorf("field = %q, want %q (error: %v)", fieldErr.Field, tt.field, err)
			}
		})
	}
}
