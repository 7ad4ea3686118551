package statemachines

import (
	"testing"

	"github.com/secamo/orchestrator/events/normalize"
)

// BenchmarkTriageApprovedIsolation runs the main path of alert-triage (the GuardDuty
// crypto-mining sample, approved, isolated) on a fresh local engine over the in-memory
// fakes, without enrichment: 7 state transitions and 5 step calls, including the approval.
func BenchmarkTriageApprovedIsolation(b *testing.B) {
	alert := sharedSample(b, cryptoSample, normalize.GuardDuty)
	for b.Loop() {
		b.StopTimer()
		w := newTriageWorld()
		b.StartTimer()
		r := runTriage(b, w, alert, approveAll)
		if r.execution.Status != "SUCCEEDED" {
			b.Fatalf("execution ended %s %s", r.execution.Status, r.execution.Error)
		}
	}
}
