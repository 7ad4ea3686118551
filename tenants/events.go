package tenants

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/secamo/orchestrator/secrets"
)

// Events configures webhook ingestion and how tickets become ticket events.
type Events struct {
	// WebhookSecret references the shared secret that authenticates the tenant's webhooks
	// (Jira's HMAC secret, or the token other systems send in a header or the URL).
	WebhookSecret secrets.Ref `yaml:"webhookSecret"`
	// WebhookAuth selects how webhooks prove they know the secret: hmac (an X-Hub-Signature
	// sha256= HMAC of the body, as Jira signs) or token (the secret itself in the
	// X-Secamo-Webhook-Token header or the token query parameter). Empty means hmac for Jira
	// and token for every other system.
	WebhookAuth string `yaml:"webhookAuth"`
	// Tickets decides which tickets are requests a workflow handles (offboarding,
	// onboarding) and where their fields are. The first matching rule wins.
	Tickets []TicketRule `yaml:"tickets"`
}

// TicketRule recognises one kind of request among a tenant's tickets.
//
// Field paths are dot-separated keys inside the ticket record of the webhook: the issue's
// fields in Jira (customfield_10050, issuetype.name), the request in ServiceDesk Plus
// (request_type.name, udf_fields.udf_sline_301), the record in ServiceNow (category, u_leaver)
// and the freshdesk_webhook object in Freshdesk (ticket_type).
type TicketRule struct {
	// Kind is the request the ticket makes: offboarding, onboarding or another lowercase word.
	Kind string `yaml:"kind"`
	// System restricts the rule to one ticketing system; empty means any.
	System string `yaml:"system"`
	// Match maps field paths to accepted values. A ticket matches when every path contains one
	// of its values, compared case-insensitively; in a list field one element suffices. An
	// empty Match accepts every ticket of the system, for webhooks that fire only for this kind.
	Match map[string][]string `yaml:"match"`
	// User is the field path of the person the request is about; empty means
	// ticketing.fields.user.
	User string `yaml:"user"`
	// EffectiveDate is the field path of the date the request takes effect; empty means
	// ticketing.fields.effectiveDate.
	EffectiveDate string `yaml:"effectiveDate"`
}

var kindPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`)

func (e Events) validate(field string, p *problems) {
	checkOptionalSecret(field+".webhookSecret", e.WebhookSecret, p)
	switch e.WebhookAuth {
	case "", "hmac", "token":
	default:
		p.add(field+".webhookAuth", "must be hmac or token, or empty for the system's default (got %q)", e.WebhookAuth)
	}
	for i, r := range e.Tickets {
		r.validate(fmt.Sprintf("%s.tickets[%d]", field, i), p)
	}
}

func (r TicketRule) validate(field string, p *problems) {
	if !kindPattern.MatchString(r.Kind) {
		p.add(field+".kind", "must be a lowercase word such as offboarding (got %q)", r.Kind)
	}
	if r.System != "" && !contains(TicketingSystems, r.System) {
		p.add(field+".system", "must be one of servicedeskplus, jira, servicenow, freshdesk, or empty for any (got %q)", r.System)
	}
	for path, values := range r.Match {
		checkFieldPath(fmt.Sprintf("%s.match.%s", field, path), path, p)
		if len(values) == 0 {
			p.add(fmt.Sprintf("%s.match.%s", field, path), "empty list of values: list the values that select this kind")
		}
	}
	if r.User != "" {
		checkFieldPath(field+".user", r.User, p)
	}
	if r.EffectiveDate != "" {
		checkFieldPath(field+".effectiveDate", r.EffectiveDate, p)
	}
}

// checkFieldPath rejects empty path segments such as "fields..user".
func checkFieldPath(field, path string, p *problems) {
	for _, part := range strings.Split(path, ".") {
		if part == "" {
			p.add(field, "invalid field path %q: write dot-separated field names such as request_type.name", path)
			return
		}
	}
}
