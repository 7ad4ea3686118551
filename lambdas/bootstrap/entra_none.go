//go:build noentra

package main

import (
	"log/slog"

	"github.com/secamo/orchestrator/lambdas/offboarding"
	"github.com/secamo/orchestrator/secrets"
)

// addEntra leaves the Entra interfaces unset in a binary built with -tags noentra, which
// leaves out the Graph SDK. The Entra steps then fail with NotConfigured.
func addEntra(*offboarding.Steps, secrets.Resolver, *slog.Logger) {}
