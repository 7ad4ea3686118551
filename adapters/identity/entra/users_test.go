package entra_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/secamo/orchestrator/adapters/identity"
	"github.com/secamo/orchestrator/adapters/identity/entra"
	"github.com/secamo/orchestrator/sandbox/graph"
)

func TestUserLookup(t *testing.T) {
	_, url := newEmulator(t, graph.Options{})
	c, _ := newClient(t, url, entra.Options{})
	tests := []struct {
		key  string
		want identity.User
	}{
		{"jan.peeters@contoso.example", identity.User{
			ID: graph.DemoUserID, UserPrincipalName: "jan.peeters@contoso.example", DisplayName: "Jan Peeters",
			Mail: "jan.peeters@contoso.example", AccountEnabled: true, UserType: "Member", ManagerID: graph.DemoManagerID,
		}},
		{graph.DemoSyncedUserID, identity.User{
			ID: graph.DemoSyncedUserID, UserPrincipalName: "piet.claes@contoso.example", DisplayName: "Piet Claes",
			Mail: "piet.claes@contoso.example", AccountEnabled: true, OnPremisesSyncEnabled: true, UserType: "Member",
		}},
		{"eva_fabrikam.example#EXT#@contoso.example", identity.User{
			ID: graph.DemoGuestUserID, UserPrincipalName: "eva_fabrikam.example#EXT#@contoso.example", DisplayName: "Eva (Fabrikam)",
			AccountEnabled: true, UserType: "Guest",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			got, err := c.User(context.Background(), tt.key)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("User(%q) = %+v, want %+v", tt.key, got, tt.want)
			}
		})
	}
}

func TestUserNotFound(t *testing.T) {
	_, url := newEmulator(t, graph.Options{})
	c, _ := newClient(t, url, entra.Options{})
	_, err := c.User(context.Background(), "nobody@contoso.example")
	var notFound *identity.UserNotFound
	if !errors.As(err, &notFound) {
		t.Fatalf("User(unknown) error = %v, want UserNotFound", err)
	}
	if notFound.User != "nobody@contoso.example" {
		t.Errorf("UserNotFound.User = %q", notFound.User)
	}
}

func TestWrongTokenRejected(t *testing.T) {
	_, url := newEmulator(t, graph.Options{})
	c, _ := newClient(t, url, entra.Options{Token: entra.StaticToken("other-token")})
	if _, err := c.User(context.Background(), graph.DemoUserID); err == nil {
		t.Fatal("User with a wrong token succeeded; the emulator should reject it with 401")
	}
}

func TestDisableUser(t *testing.T) {
	srv, url := newEmulator(t, graph.Options{})
	c, _ := newClient(t, url, entra.Options{})
	ctx := context.Background()

	already, err := c.DisableUser(ctx, "jan.peeters@contoso.example")
	if err != nil || already {
		t.Fatalf("first DisableUser = %v, %v; want false, nil", already, err)
	}
	if u, _ := srv.User(graph.DemoUserID); u.AccountEnabled {
		t.Error("emulator still has the account enabled")
	}
	if c.Requests() != 1 {
		t.Errorf("DisableUser sent %d requests, want 1 $batch", c.Requests())
	}
	already, err = c.DisableUser(ctx, graph.DemoUserID)
	if err != nil || !already {
		t.Errorf("second DisableUser = %v, %v; want true, nil", already, err)
	}
}

func TestDisableUserErrors(t *testing.T) {
	_, url := newEmulator(t, graph.Options{})
	c, _ := newClient(t, url, entra.Options{})
	tests := []struct {
		user   string
		target any
	}{
		{graph.DemoSyncedUserID, new(*identity.SyncedFromOnPrem)},
		{"nobody@contoso.example", new(*identity.UserNotFound)},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			_, err := c.DisableUser(context.Background(), tt.user)
			if err == nil || !errors.As(err, tt.target) {
				t.Fatalf("DisableUser(%q) error = %v, want %T", tt.user, err, tt.target)
			}
		})
	}
}

func TestRevokeSessions(t *testing.T) {
	srv, url := newEmulator(t, graph.Options{})
	c, _ := newClient(t, url, entra.Options{})
	ctx := context.Background()

	status, err := c.RevokeSessions(ctx, identity.User{ID: graph.DemoUserID, UserType: "Member"})
	if err != nil || status != entra.RevocationRequested {
		t.Fatalf("RevokeSessions(member) = %q, %v", status, err)
	}
	if n := srv.SessionRevocations(graph.DemoUserID); n != 1 {
		t.Errorf("emulator recorded %d revocations, want 1", n)
	}

	before := c.Requests()
	status, err = c.RevokeSessions(ctx, identity.User{ID: graph.DemoGuestUserID, UserType: "Guest"})
	if err != nil || status != entra.RevocationNotApplicable {
		t.Errorf("RevokeSessions(guest) = %q, %v", status, err)
	}
	if c.Requests() != before || srv.SessionRevocations(graph.DemoGuestUserID) != 0 {
		t.Error("RevokeSessions(guest) sent a request")
	}
}

func TestSessionsValidFrom(t *testing.T) {
	revokedAt := time.Date(2026, 12, 4, 10, 30, 15, 0, time.UTC)
	seededAt := revokedAt.Add(-time.Hour)
	var now atomic.Pointer[time.Time]
	now.Store(&seededAt)
	_, url := newEmulator(t, graph.Options{Now: func() time.Time { return *now.Load() }})
	c, _ := newClient(t, url, entra.Options{})
	ctx := context.Background()

	got, err := c.SessionsValidFrom(ctx, "jan.peeters@contoso.example")
	if err != nil || !got.Equal(seededAt) {
		t.Fatalf("SessionsValidFrom before revocation = %v, %v; want %v", got, err, seededAt)
	}
	now.Store(&revokedAt)
	if _, err := c.RevokeSessions(ctx, identity.User{ID: graph.DemoUserID}); err != nil {
		t.Fatal(err)
	}
	got, err = c.SessionsValidFrom(ctx, graph.DemoUserID)
	if err != nil || !got.Equal(revokedAt) {
		t.Errorf("SessionsValidFrom after revocation = %v, %v; want %v", got, err, revokedAt)
	}

	_, err = c.SessionsValidFrom(ctx, "nobody@contoso.example")
	var notFound *identity.UserNotFound
	if !errors.As(err, &notFound) {
		t.Errorf("SessionsValidFrom(unknown) error = %v, want UserNotFound", err)
	}
}
