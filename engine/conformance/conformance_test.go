package conformance

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/secamo/orchestrator/internal/testenv"
)

// Pass-rate floors by tier: the rates reached so far. Raise them when the engine improves; a
// change that lowers a rate fails this test.
var floors = map[string]float64{
	"pure":         707.0 / 709,
	"lambda-local": 60.0 / 60,
	"service":      7.0 / 29,
}

func TestConformanceAgainstAWSRecordings(t *testing.T) {
	dir := testenv.SharedDir(t, "../..")
	cases, err := Load(filepath.Join(dir, "asl-conformance", "cases.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	r := &Runner{Handlers: TrivialHandlers(), Start: RecordingTime(cases), Children: RecordedChildren}
	results := make([]Result, 0, len(cases))
	for i := range cases {
		res := r.Run(context.Background(), &cases[i])
		if !res.Passed && !res.Skipped {
			t.Logf("FAIL %s: %s", res.Case.ID, res.Reason)
		}
		results = append(results, res)
	}
	sum := Summarize(results)
	for tier, floor := range floors {
		tally := sum.ByTier[tier]
		t.Logf("%s: passed %d of %d (%.1f%%), skipped %d", tier, tally.Passed, tally.Run(), 100*tally.Rate(), tally.Skipped)
		if tally.Rate() < floor {
			t.Errorf("%s tier pass rate %.4f fell below its floor %.4f", tier, tally.Rate(), floor)
		}
	}
}

func TestMatchPlaceholders(t *testing.T) {
	tests := []struct {
		name      string
		want, got any
		ok        bool
	}{
		{"angle placeholder", "<uuid:1>", "0f6d", true},
		{"arn with region", "arn:<partition>:states:<region>:111111111111:execution:<ArnPart_0idx>:x", "arn:aws:states:us-east-1:123456789012:execution:sm:x", true},
		{"arn with other name", "arn:<partition>:states:<region>:111111111111:execution:<ArnPart_0idx>:x", "arn:aws:states:us-east-1:123456789012:execution:sm:y", false},
		{"time placeholder", map[string]any{"t": "date"}, map[string]any{"t": "2026-01-01"}, true},
		{"key named value", map[string]any{"RequestId": "RequestId"}, map[string]any{"RequestId": "abc"}, true},
		{"number equal", 1.0, 1.0, true},
		{"extra field", map[string]any{}, map[string]any{"a": 1.0}, false},
		{"array length", []any{1.0}, []any{1.0, 2.0}, false},
		{"plain string differs", "a", "b", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if ok, diff := Match(tt.want, tt.got); ok != tt.ok {
				t.Errorf("Match(%v, %v) = %v (%s), want %v", tt.want, tt.got, ok, diff, tt.ok)
			}
		})
	}
}
