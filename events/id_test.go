package events

import (
	"regexp"
	"strings"
	"testing"
)

var validName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)

func TestExecutionName(t *testing.T) {
	long := "securityhub-" + strings.Repeat("x", 100)
	tests := []struct {
		id   string
		keep string // the name when the id is kept as it is, else ""
	}{
		{"guardduty-a1b2c3-20261102091451007", "guardduty-a1b2c3-20261102091451007"},
		{"jira-20417-offboarding", "jira-20417-offboarding"},
		{"a:b", ""},
		{"a/b", ""},
		{long, ""},
		{"", ""},
		{"ünïcode id", ""},
	}
	for _, tt := range tests {
		got := ExecutionName(tt.id)
		if !validName.MatchString(got) {
			t.Errorf("ExecutionName(%q) = %q, not a valid Step Functions name", tt.id, got)
		}
		if tt.keep != "" && got != tt.keep {
			t.Errorf("ExecutionName(%q) = %q, want %q", tt.id, got, tt.keep)
		}
		if got != ExecutionName(tt.id) {
			t.Errorf("ExecutionName(%q) is not stable", tt.id)
		}
	}
	if ExecutionName("a:b") == ExecutionName("a/b") {
		t.Error("ids differing in a replaced character share an execution name")
	}
	if ExecutionName(long) == ExecutionName(long+"y") {
		t.Error("long ids differing after the cut share an execution name")
	}
}

func TestSeverityBands(t *testing.T) {
	tests := []struct {
		severity float64
		label    string
	}{
		{0, "informational"}, {0.9, "informational"}, {1, "low"}, {3.9, "low"}, {4, "medium"},
		{6.9, "medium"}, {7, "high"}, {8.9, "high"}, {9, "critical"}, {10, "critical"},
	}
	for _, tt := range tests {
		if got := SeverityLabelOf(tt.severity); got != tt.label {
			t.Errorf("SeverityLabelOf(%v) = %q, want %q", tt.severity, got, tt.label)
		}
		lower, ok := SeverityOfLabel(strings.ToUpper(tt.label))
		if !ok || SeverityLabelOf(lower) != tt.label {
			t.Errorf("SeverityOfLabel(%q) = %v, %v; want the lower bound of its band", tt.label, lower, ok)
		}
	}
	if _, ok := SeverityOfLabel("severe"); ok {
		t.Error("SeverityOfLabel accepted an unknown label")
	}
}
