package events

import (
	"encoding/json"
	"fmt"
	"time"
)

// Envelope sources and detail types of canonical events on the tenant's bus.
const (
	SourceAlerts     = "secamo.alerts"
	SourceTickets    = "secamo.tickets"
	DetailTypeAlert  = "Security Alert"
	DetailTypeTicket = "Ticket Event"
)

// Severity labels, from the lowest band of the 0–10 scale to the highest.
const (
	SeverityInformational = "informational"
	SeverityLow           = "low"
	SeverityMedium        = "medium"
	SeverityHigh          = "high"
	SeverityCritical      = "critical"
)

// Alert is a security finding or incident in canonical form.
type Alert struct {
	// ID identifies this version of the finding; see ExecutionName.
	ID string `json:"id"`
	// CaseKey is the same for every version of one finding or incident.
	CaseKey string `json:"caseKey"`
	// Origin is the product that raised it: guardduty, securityhub, sentinel, defender, wazuh.
	Origin string `json:"origin"`
	// SourceID is the finding's or incident's identifier in the product (a GuardDuty finding
	// id, a Security Hub finding ARN, a Sentinel incident resource id).
	SourceID string `json:"sourceId"`
	// Type is the product's finding type or rule (UnauthorizedAccess:EC2/SSHBruteForce).
	Type  string `json:"type"`
	Title string `json:"title"`
	// Severity is on one scale from 0 to 10, the scale of GuardDuty; SeverityLabel names its
	// band (see SeverityLabelOf).
	Severity      float64 `json:"severity"`
	SeverityLabel string  `json:"severityLabel"`
	// Status is new, active or closed.
	Status     string     `json:"status"`
	Resource   Resource   `json:"resource"`
	Indicators Indicators `json:"indicators"`
	Account    string     `json:"account,omitempty"`
	Region     string     `json:"region,omitempty"`
	// Link opens the original finding in its console.
	Link      string    `json:"link,omitempty"`
	FirstSeen time.Time `json:"firstSeen,omitzero"`
	LastSeen  time.Time `json:"lastSeen,omitzero"`
}

// Resource is the subject of an alert. Fields the source does not name are empty.
type Resource struct {
	// Type is the source's resource type (Instance, AccessKey, AwsAccount, Host, Account).
	Type       string `json:"type,omitempty"`
	InstanceID string `json:"instanceId,omitempty"`
	// User is a user principal name, e-mail address or account name.
	User string `json:"user,omitempty"`
	Host string `json:"host,omitempty"`
	// ID is the source's identifier of the resource when no field above fits (an ARN).
	ID string `json:"id,omitempty"`
}

// Indicators are observables to enrich: IP addresses, domain names and file hashes.
type Indicators struct {
	IPs     []string `json:"ips,omitempty"`
	Domains []string `json:"domains,omitempty"`
	Hashes  []string `json:"hashes,omitempty"`
}

// TicketEvent is a ticketing-system webhook in canonical form.
type TicketEvent struct {
	// ID identifies the request the ticket makes (system, ticket and kind); see ExecutionName.
	ID      string `json:"id"`
	CaseKey string `json:"caseKey"`
	// System is jira, servicenow, freshdesk or servicedeskplus.
	System string `json:"system"`
	// TicketID is the identifier the system's API takes; TicketKey the one people read.
	TicketID  string `json:"ticketId"`
	TicketKey string `json:"ticketKey,omitempty"`
	URL       string `json:"url,omitempty"`
	// Action is the change the webhook reports: created, updated or deleted.
	Action string `json:"action"`
	// Kind is the request type that the tenant's events.tickets rules assign (offboarding,
	// onboarding). It is empty when no rule matches.
	Kind string `json:"kind"`
	// User is the subject of the request: the person to offboard or onboard.
	User string `json:"user,omitempty"`
	// EffectiveDate is the date the request takes effect, as YYYY-MM-DD in the tenant's time
	// zone.
	EffectiveDate string `json:"effectiveDate,omitempty"`
	Requester     string `json:"requester,omitempty"`
	Subject       string `json:"subject,omitempty"`
	// Text is the ticket's free text as the webhook carries it.
	Text   string `json:"text,omitempty"`
	Status string `json:"status,omitempty"`
	// NeedsFetch is set when the webhook lacks fields the workflow needs (it carried only an
	// id, or the mapped user or date field is absent), so the workflow must read the ticket.
	NeedsFetch bool `json:"needsFetch"`
	// Problems lists values that are present but unusable, such as a date that does not parse,
	// so the workflow can ask back on the ticket instead of guessing.
	Problems []string `json:"problems,omitempty"`
}

// Envelope is an event as EventBridge delivers it to a rule target. On AWS, PutEvents assigns
// its own envelope id, so the canonical id also travels in detail.id.
type Envelope struct {
	Version    string          `json:"version"`
	ID         string          `json:"id"`
	Source     string          `json:"source"`
	DetailType string          `json:"detail-type"`
	Account    string          `json:"account,omitempty"`
	Time       time.Time       `json:"time"`
	Region     string          `json:"region,omitempty"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
}

// Envelope wraps the alert for the tenant's bus.
func (a Alert) Envelope() (Envelope, error) {
	return newEnvelope(a.ID, SourceAlerts, DetailTypeAlert, a.LastSeen, a.Account, a.Region, a)
}

// Envelope wraps the ticket event for the tenant's bus; at is when the webhook arrived.
func (t TicketEvent) Envelope(at time.Time) (Envelope, error) {
	return newEnvelope(t.ID, SourceTickets, DetailTypeTicket, at, "", "", t)
}

func newEnvelope(id, source, detailType string, at time.Time, account, region string, detail any) (Envelope, error) {
	b, err := json.Marshal(detail)
	if err != nil {
		return Envelope{}, fmt.Errorf("encoding %s %q: %w", detailType, id, err)
	}
	return Envelope{
		Version:    "0",
		ID:         id,
		Source:     source,
		DetailType: detailType,
		Account:    account,
		Time:       at.UTC(),
		Region:     region,
		Resources:  []string{},
		Detail:     b,
	}, nil
}

// SeverityLabelOf names the band of a severity on the 0–10 scale: below 1 informational,
// below 4 low, below 7 medium, below 9 high, else critical (GuardDuty's bands).
func SeverityLabelOf(severity float64) string {
	switch {
	case severity < 1:
		return SeverityInformational
	case severity < 4:
		return SeverityLow
	case severity < 7:
		return SeverityMedium
	case severity < 9:
		return SeverityHigh
	default:
		return SeverityCritical
	}
}

// SeverityOfLabel returns the lowest severity of a band, for sources that give only a label;
// ok is false for an unknown label. Labels compare case-insensitively.
func SeverityOfLabel(label string) (severity float64, ok bool) {
	switch normalizeLabel(label) {
	case SeverityInformational:
		return 0, true
	case SeverityLow:
		return 1, true
	case SeverityMedium:
		return 4, true
	case SeverityHigh:
		return 7, true
	case SeverityCritical:
		return 9, true
	}
	return 0, false
}
