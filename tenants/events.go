package tenants

import "github.com/secamo/orchestrator/secrets"

// Events configures webhook ingestion.
type Events struct {
	// WebhookSecret references the shared secret that authenticates the ticketing system's
	// webhooks (Jira's HMAC secret, or the token other systems send in a header or the URL).
	WebhookSecret secrets.Ref `yaml:"webhookSecret"`
}

func (e Events) validate(field string, p *problems) {
	checkOptionalSecret(field+".webhookSecret", e.WebhookSecret, p)
}
