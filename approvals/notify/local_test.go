package notify_test

import (
	"errors"
	"testing"

	"github.com/secamo/orchestrator/approvals/notify"
	"github.com/secamo/orchestrator/secrets"
	"github.com/secamo/orchestrator/tenants"
)

func TestLocalSender(t *testing.T) {
	res := secrets.Static{"env:SMTP_PASSWORD": "s3cret"}
	tests := []struct {
		name  string
		cfg   tenants.Approvals
		check func(t *testing.T, s notify.EmailSender)
	}{
		{"default outbox", tenants.Approvals{}, func(t *testing.T, s notify.EmailSender) {
			if o, ok := s.(*notify.Outbox); !ok || o.Dir != notify.DefaultOutbox {
				t.Errorf("sender = %#v, want an Outbox in %s", s, notify.DefaultOutbox)
			}
		}},
		{"named outbox", tenants.Approvals{Outbox: "/tmp/mail"}, func(t *testing.T, s notify.EmailSender) {
			if o, ok := s.(*notify.Outbox); !ok || o.Dir != "/tmp/mail" {
				t.Errorf("sender = %#v, want an Outbox in /tmp/mail", s)
			}
		}},
		{"smtp without auth", tenants.Approvals{SMTP: &tenants.SMTP{Address: "localhost:2525"}}, func(t *testing.T, s notify.EmailSender) {
			if m, ok := s.(*notify.SMTP); !ok || m.Addr != "localhost:2525" || m.Auth != nil {
				t.Errorf("sender = %#v, want SMTP to localhost:2525 without auth", s)
			}
		}},
		{"smtp with auth", tenants.Approvals{SMTP: &tenants.SMTP{Address: "localhost:2525", Username: "u", Password: "env:SMTP_PASSWORD"}}, func(t *testing.T, s notify.EmailSender) {
			if m, ok := s.(*notify.SMTP); !ok || m.Auth == nil {
				t.Errorf("sender = %#v, want SMTP with auth", s)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := notify.LocalSender(t.Context(), &tenants.Config{Name: "acme", Approvals: tt.cfg}, res)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, s)
		})
	}

	_, err := notify.LocalSender(t.Context(), &tenants.Config{Name: "acme", Approvals: tenants.Approvals{
		SMTP: &tenants.SMTP{Address: "localhost:2525", Username: "u", Password: "env:MISSING"}}}, res)
	if !errors.Is(err, secrets.ErrNotFound) {
		t.Errorf("LocalSender with an unknown password = %v, want secrets.ErrNotFound", err)
	}
}
