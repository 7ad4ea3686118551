package local

import (
	"context"
	"strings"
	"testing"

	"github.com/secamo/orchestrator/secrets"
	"github.com/secamo/orchestrator/tenants"
)

func TestCheckSigningKey(t *testing.T) {
	cfg := &tenants.Config{Name: "acme", Approvals: tenants.Approvals{SigningKey: "env:ACME_KEY"}}
	tests := []struct {
		name    string
		secrets secrets.Static
		want    string
	}{
		{"missing", secrets.Static{}, "approvals.signingKey: resolving env:ACME_KEY"},
		{"short", secrets.Static{"env:ACME_KEY": "short"}, "approvals.signingKey: approval signing key is 5 bytes long"},
		{"good", secrets.Static{"env:ACME_KEY": strings.Repeat("k", 32)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := &Runtime{Tenant: cfg, opts: Options{Secrets: tt.secrets}}
			err := rt.checkSigningKey(context.Background())
			if tt.want == "" {
				if err != nil {
					t.Errorf("checkSigningKey = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("checkSigningKey = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
