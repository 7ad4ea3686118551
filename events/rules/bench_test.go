package rules

import (
	"os"
	"testing"
	"time"

	"github.com/secamo/orchestrator/tenants"
)

// BenchmarkEvaluate normalises and routes a Security Hub event with two findings, the work the
// webhook handler does per request besides verification and starting executions.
func BenchmarkEvaluate(b *testing.B) {
	cfg, err := tenants.Load("../testdata/tenant.yaml")
	if err != nil {
		b.Fatal(err)
	}
	raw, err := os.ReadFile("../testdata/securityhub-two-findings.json")
	if err != nil {
		b.Fatal(err)
	}
	at := time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Evaluate(cfg, "", raw, at); err != nil {
			b.Fatal(err)
		}
	}
}
