package approvals

import (
	"context"
	"fmt"
	"time"

	"github.com/secamo/orchestrator/secrets"
	"github.com/secamo/orchestrator/tenants"
)

// Tenants looks up a tenant's configuration by name.
type Tenants interface {
	Tenant(name string) (*tenants.Config, bool)
}

// TenantMap is a Tenants backed by a map from tenant name to configuration.
type TenantMap map[string]*tenants.Config

var _ Tenants = TenantMap(nil)

// Tenant implements Tenants.
func (m TenantMap) Tenant(name string) (*tenants.Config, bool) {
	c, ok := m[name]
	return c, ok
}

// SignerFor resolves the tenant's approvals.signingKey and returns its signer.
func SignerFor(ctx context.Context, res secrets.Resolver, cfg *tenants.Config) (*Signer, error) {
	key, err := res.Resolve(ctx, cfg.Approvals.SigningKey)
	if err != nil {
		return nil, fmt.Errorf("resolving approval signing key of tenant %q: %w", cfg.Name, err)
	}
	s, err := NewSigner([]byte(key))
	if err != nil {
		return nil, fmt.Errorf("tenant %q: %w", cfg.Name, err)
	}
	return s, nil
}

// Location returns the tenant's time zone for showing times to people, or UTC.
func Location(cfg *tenants.Config) *time.Location {
	if cfg.Timezone == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(cfg.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}
