//go:build !noentra

package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/secamo/orchestrator/adapters/identity/entra"
	"github.com/secamo/orchestrator/lambdas/offboarding"
	"github.com/secamo/orchestrator/secrets"
)

var _ entraAPI = (*entra.Client)(nil)

// addEntra sets the Entra interfaces when the tenant has an Entra section.
func addEntra(steps *offboarding.Steps, resolver secrets.Resolver, logger *slog.Logger) {
	cfg := steps.Tenant.Identity.Entra
	if cfg == nil {
		return
	}
	client := &lazyEntra{client: lazy[entraAPI]{build: func(ctx context.Context) (entraAPI, error) {
		c, err := entra.New(ctx, *cfg, resolver, entra.Options{Logger: logger})
		if err != nil {
			return nil, fmt.Errorf("building the Entra ID client: %w", err)
		}
		return c, nil
	}}}
	steps.EntraUsers, steps.EntraGroups, steps.EntraLicenses, steps.EntraSessions = client, client, client, client
}
