package local

import (
	"context"
	"testing"
	"time"

	"github.com/secamo/orchestrator/adapters/identity"
)

func TestWorkflowInput(t *testing.T) {
	cases := []struct {
		name, envelope string
		dryRun         bool
		want           string
		wantErr        bool
	}{
		{"detail only", `{"id":"e1","time":"2026-12-04T09:00:00Z","detail":{"ticketId":"42","kind":"offboarding"}}`, false, `{"kind":"offboarding","ticketId":"42"}`, false},
		{"dry run", `{"detail":{"ticketId":"42"}}`, true, `{"dryRun":true,"ticketId":"42"}`, false},
		{"no detail", `{"id":"e1"}`, false, "", true},
		{"not JSON", `{`, false, "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := workflowInput(c.envelope, c.dryRun)
			if (err != nil) != c.wantErr {
				t.Fatalf("error = %v, want error %t", err, c.wantErr)
			}
			if got != c.want {
				t.Errorf("input = %s, want %s", got, c.want)
			}
		})
	}
}

type fakeRevoker struct{ err error }

func (f fakeRevoker) RevokeSessions(ctx context.Context, u identity.User) (string, error) {
	return "revocationRequested", f.err
}

type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

func TestSessionsRememberRevocation(t *testing.T) {
	at := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	s := &sessions{client: fakeRevoker{}, clock: fixedClock(at)}
	ctx := context.Background()
	if from, _ := s.SessionsValidFrom(ctx, "u1"); !from.IsZero() {
		t.Errorf("before revocation: %s, want the zero time", from)
	}
	if _, err := s.RevokeSessions(ctx, identity.User{ID: "u1", UserPrincipalName: "jan@contoso.example"}); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"u1", "jan@contoso.example"} {
		if from, _ := s.SessionsValidFrom(ctx, key); !from.Equal(at) {
			t.Errorf("SessionsValidFrom(%s) = %s, want %s", key, from, at)
		}
	}
}
