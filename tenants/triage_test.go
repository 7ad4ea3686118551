package tenants

import (
	"strings"
	"testing"
)

func TestTriageValidate(t *testing.T) {
	tests := []struct {
		name  string
		in    Triage
		field string // "" means valid
	}{
		{"zero uses defaults", Triage{}, ""},
		{"explicit", Triage{ContainSeverity: 5, ContainScore: 60, ContainFirst: true, Intel: TriageIntel{AbuseIPDBKey: "env:ABUSE"}}, ""},
		{"severity above scale", Triage{ContainSeverity: 11}, "triage.containSeverity"},
		{"negative score", Triage{ContainScore: -1}, "triage.containScore"},
		{"bad key reference", Triage{Intel: TriageIntel{VirusTotalKey: "vault:vt"}}, "triage.intel.virusTotalKey"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var p problems
			tc.in.validate("triage", &p)
			if tc.field == "" {
				if len(p.list) != 0 {
					t.Errorf("validate = %v, want no problems", p.list)
				}
				return
			}
			if len(p.list) != 1 || p.list[0].Field != tc.field {
				t.Errorf("validate = %v, want one problem on %s", p.list, tc.field)
			}
		})
	}
}

func TestTriageDefaults(t *testing.T) {
	if got := (Triage{}).Severity(); got != DefaultContainSeverity {
		t.Errorf("Severity() = %g, want %g", got, DefaultContainSeverity)
	}
	if got := (Triage{ContainScore: 55}).Score(); got != 55 {
		t.Errorf("Score() = %d, want 55", got)
	}
}

func TestParseTriageSection(t *testing.T) {
	file := "name: acme\nlocale: en\napprovals:\n  levels:\n    - approvers: [soc@example.com]\n      timeout: 1h\n  signingKey: env:K\n  baseURL: https://approvals.example.com\n" +
		"triage:\n  containSeverity: 12\n"
	_, err := Parse("acme.yaml", []byte(file))
	if err == nil || !strings.Contains(err.Error(), "triage.containSeverity: must be between 0 and 10") {
		t.Errorf("Parse error = %v, want one naming triage.containSeverity", err)
	}
}
