package entra_test

import (
	"context"
	"errors"
	"testing"

	"github.com/secamo/orchestrator/adapters/identity/entra"
	"github.com/secamo/orchestrator/secrets"
	"github.com/secamo/orchestrator/tenants"
)

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name     string
		cfg      tenants.Entra
		resolver secrets.Resolver
	}{
		{"plain http off loopback", tenants.Entra{TenantID: "t", ClientID: "c", GraphURL: "http://graph.example.com/v1.0"}, secrets.Static{}},
		{"not a URL", tenants.Entra{TenantID: "t", ClientID: "c", GraphURL: "graph"}, secrets.Static{}},
		{"missing tenant", tenants.Entra{ClientID: "c", ClientSecret: "env:X"}, secrets.Static{"env:X": "s"}},
		{"unresolvable secret", tenants.Entra{TenantID: "t", ClientID: "c", ClientSecret: "env:MISSING"}, secrets.Static{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := entra.New(context.Background(), tt.cfg, tt.resolver, entra.Options{}); err == nil {
				t.Error("New succeeded, want an error")
			}
		})
	}
}

func TestNewClientCredentials(t *testing.T) {
	cfg := tenants.Entra{TenantID: "0b7f3c1e-1111-4222-8333-444455556666", ClientID: "app", ClientSecret: "env:GRAPH_SECRET"}
	c, err := entra.New(context.Background(), cfg, secrets.Static{"env:GRAPH_SECRET": "s3cr3t"}, entra.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Requests() != 0 {
		t.Error("New sent requests")
	}
	_, err = entra.New(context.Background(), cfg, secrets.Static{}, entra.Options{})
	if !errors.Is(err, secrets.ErrNotFound) {
		t.Errorf("New with a missing secret = %v, want secrets.ErrNotFound", err)
	}
}
