package statemachines

import (
	"testing"

	"github.com/secamo/orchestrator/approvals"
)

// BenchmarkOffboardingApproved runs one approved offboarding end to end on a fresh local
// engine over the in-memory fakes: both state machines, 21 state transitions and 12 step
// calls. It measures the engine and the steps, not any directory.
func BenchmarkOffboardingApproved(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		w := newWorld(b)
		b.StartTimer()
		r := runOffboarding(b, w, `{"ticketId":"101"}`, func(int) (approvals.Decision, bool) { return approvals.Approve, true })
		if r.execution.Status != "SUCCEEDED" {
			b.Fatalf("execution ended %s %s", r.execution.Status, r.execution.Error)
		}
	}
}
