package main

import (
	"github.com/secamo/orchestrator/adapters/identity/entra"
	"github.com/secamo/orchestrator/lambdas/offboarding"
)

// The Entra client fills every Entra interface of the offboarding steps. The guard lives
// here, so that package offboarding does not link the Graph SDK.
var (
	_ offboarding.EntraUsers    = (*entra.Client)(nil)
	_ offboarding.EntraGroups   = (*entra.Client)(nil)
	_ offboarding.EntraLicenses = (*entra.Client)(nil)
	_ offboarding.EntraSessions = (*entra.Client)(nil)
)
