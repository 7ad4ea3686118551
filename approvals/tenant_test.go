package approvals_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/secamo/orchestrator/approvals"
	"github.com/secamo/orchestrator/tenants"
)

// tenantWith returns the shipped example tenant file with extra lines added to its
// approvals section, after the from line.
func tenantWith(t *testing.T, extra string) []byte {
	t.Helper()
	data, err := os.ReadFile("../tenants/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const anchor = "  from: orchestrator@example.com\n"
	if !strings.Contains(string(data), anchor) {
		t.Fatalf("tenants/example.yaml has no line %q to add approval settings after", anchor)
	}
	return []byte(strings.Replace(string(data), anchor, anchor+extra, 1))
}

func TestTenantApprovalSettings(t *testing.T) {
	cfg, err := tenants.Parse("example.yaml", tenantWith(t,
		"  smtp:\n    address: smtp.acme.example:587\n    username: orchestrator\n    password: env:SMTP_PASSWORD\n  outbox: /var/lib/orchestrator/outbox\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Approvals.SMTP == nil || cfg.Approvals.SMTP.Address != "smtp.acme.example:587" || cfg.Approvals.Outbox != "/var/lib/orchestrator/outbox" {
		t.Errorf("approvals = %+v, want the SMTP server and outbox", cfg.Approvals)
	}
	if loc := approvals.Location(cfg); loc.String() != "Europe/Brussels" {
		t.Errorf("Location = %s, want Europe/Brussels", loc)
	}
	if got := approvals.TextsFor("fr").FormatTime(time.Date(2026, 8, 1, 7, 5, 0, 0, time.UTC), approvals.Location(cfg)); got != "1 août 2026 à 09:05 (Europe/Brussels)" {
		t.Errorf("FormatTime = %q", got)
	}
}

func TestTenantSMTPValidation(t *testing.T) {
	tests := []struct {
		smtp  string
		field string
	}{
		{"  smtp:\n    address: smtp.acme.example\n", "approvals.smtp.address"},
		{"  smtp:\n    address: smtp.acme.example:99999\n", "approvals.smtp.address"},
		{"  smtp:\n    address: smtp.acme.example:25\n    username: orchestrator\n", "approvals.smtp.password"},
		{"  smtp:\n    address: smtp.acme.example:25\n    password: env:SMTP_PASSWORD\n", "approvals.smtp.username"},
	}
	for _, tt := range tests {
		_, err := tenants.Parse("example.yaml", tenantWith(t, tt.smtp))
		var v *tenants.ValidationError
		if !errors.As(err, &v) || !strings.Contains(err.Error(), tt.field) {
			t.Errorf("Parse with %q = %v, want an error for %s", tt.smtp, err, tt.field)
		}
	}
}
