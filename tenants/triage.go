package tenants

import "github.com/secamo/orchestrator/secrets"

// Default triage thresholds, used when the tenant file leaves a field at zero.
const (
	DefaultContainSeverity = 7.0
	DefaultContainScore    = 80
)

// Triage configures the alert-triage workflow.
type Triage struct {
	// ContainSeverity is the severity, on the 0–10 scale of events.Alert, from which the
	// workflow proposes containment (default 7, the lowest high severity). Below it, an alert
	// only opens a ticket.
	ContainSeverity float64 `yaml:"containSeverity"`
	// ContainScore is the threat-intelligence score, 0 to 100, from which an alert of at least
	// medium severity (4) is also proposed for containment (default 80).
	ContainScore int `yaml:"containScore"`
	// ContainFirst isolates the instance of a critical alert (severity 9 or more) before the
	// approval and asks the approvers to confirm: a rejection then releases it. When false,
	// every containment waits for the approval.
	ContainFirst bool `yaml:"containFirst"`
	// Intel references the threat-intelligence API keys; an empty reference leaves that
	// service out of the enrichment.
	Intel TriageIntel `yaml:"intel"`
}

// TriageIntel references the API keys of the threat-intelligence services.
type TriageIntel struct {
	AbuseIPDBKey  secrets.Ref `yaml:"abuseIPDBKey"`
	VirusTotalKey secrets.Ref `yaml:"virusTotalKey"`
}

// Severity returns the containment severity threshold, or its default.
func (t Triage) Severity() float64 {
	if t.ContainSeverity == 0 {
		return DefaultContainSeverity
	}
	return t.ContainSeverity
}

// Score returns the containment score threshold, or its default.
func (t Triage) Score() int {
	if t.ContainScore == 0 {
		return DefaultContainScore
	}
	return t.ContainScore
}

func (t Triage) validate(field string, p *problems) {
	if t.ContainSeverity < 0 || t.ContainSeverity > 10 {
		p.add(field+".containSeverity", "must be between 0 and 10, the severity scale of alerts (got %g)", t.ContainSeverity)
	}
	if t.ContainScore < 0 || t.ContainScore > 100 {
		p.add(field+".containScore", "must be between 0 and 100, the threat-intelligence score scale (got %d)", t.ContainScore)
	}
	checkOptionalSecret(field+".intel.abuseIPDBKey", t.Intel.AbuseIPDBKey, p)
	checkOptionalSecret(field+".intel.virusTotalKey", t.Intel.VirusTotalKey, p)
}
