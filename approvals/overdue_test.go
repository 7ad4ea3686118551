package approvals_test

import (
	"context"
	"testing"
	"time"

	"github.com/secamo/orchestrator/approvals"
)

// TestOverdueAgeAndSweep checks the metric behind the stack's approval alarm: it grows while
// a pending approval is past its expiry, and a sweep brings it back to 0.
func TestOverdueAgeAndSweep(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	svc := &approvals.Service{Store: e.store, Resolver: e.resolver, Clock: e.clock}
	// The record expires 4 hours after storetest.Base, and the clock is 10 minutes after it.
	r := e.create()

	if age, err := svc.OverdueAge(ctx); err != nil || age != 0 {
		t.Fatalf("before the expiry: OverdueAge = %v, %v; want 0", age, err)
	}
	e.clock.Advance(4*time.Hour + 20*time.Minute)
	if age, err := svc.OverdueAge(ctx); err != nil || age != 30*time.Minute {
		t.Fatalf("30 minutes after the expiry: OverdueAge = %v, %v; want 30m", age, err)
	}
	if expired, _, err := svc.Sweep(ctx); err != nil || expired != 1 {
		t.Fatalf("Sweep = %d expired, %v; want the approval %s expired", expired, err, r.ID)
	}
	if age, err := svc.OverdueAge(ctx); err != nil || age != 0 {
		t.Errorf("after the sweep: OverdueAge = %v, %v; want 0", age, err)
	}
}
