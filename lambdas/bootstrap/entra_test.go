package main

import (
	"context"
	"errors"
	"testing"

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

func TestLazyRetriesFailedBuild(t *testing.T) {
	builds := 0
	l := lazy[int]{build: func(context.Context) (int, error) {
		builds++
		if builds == 1 {
			return 0, errors.New("secret not reachable")
		}
		return 42, nil
	}}
	ctx := context.Background()
	if _, err := l.get(ctx); err == nil {
		t.Fatal("first get succeeded, want the build error")
	}
	for range 2 {
		if v, err := l.get(ctx); err != nil || v != 42 {
			t.Fatalf("get = %d, %v; want 42", v, err)
		}
	}
	if builds != 2 {
		t.Errorf("built %d times, want 2: once failing, then once kept", builds)
	}
}
