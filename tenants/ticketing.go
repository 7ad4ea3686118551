package tenants

import (
	"fmt"

	"github.com/secamo/orchestrator/secrets"
)

// TicketingSystems lists the supported ticketing systems.
var TicketingSystems = []string{"servicedeskplus", "jira", "servicenow", "freshdesk"}

// Ticketing selects the tenant's ticketing system and how to reach it.
type Ticketing struct {
	// System is one of servicedeskplus, jira, servicenow, freshdesk.
	System string `yaml:"system"`
	// BaseURL is the API root, such as https://acme.atlassian.net or
	// https://sdpondemand.manageengine.eu.
	BaseURL string `yaml:"baseURL"`
	// Project is the Jira service desk or project key, the ServiceNow table or the Freshdesk
	// group where the orchestrator creates tickets.
	Project string `yaml:"project"`
	// User is the account name for basic authentication (Jira e-mail, ServiceNow user).
	User string `yaml:"user"`
	// Credentials references the API token, API key, password or OAuth client secret.
	Credentials secrets.Ref `yaml:"credentials"`
	// Auth selects the authentication where a system offers several: token (default), basic,
	// oauth.
	Auth string `yaml:"auth"`
	// Fields maps the workflow's names (user, effectiveDate, ...) to the system's field names
	// (customfield_10050, u_leaver, udf_fields.udf_sline_301, ...).
	Fields map[string]string `yaml:"fields"`
}

func (t Ticketing) validate(field string, p *problems) {
	if !contains(TicketingSystems, t.System) {
		p.add(field+".system", "must be one of servicedeskplus, jira, servicenow, freshdesk (got %q)", t.System)
	}
	checkURL(field+".baseURL", t.BaseURL, true, p)
	checkOptionalSecret(field+".credentials", t.Credentials, p)
	switch t.Auth {
	case "", "token", "basic", "oauth":
	default:
		p.add(field+".auth", "must be token, basic or oauth (got %q)", t.Auth)
	}
	for k, v := range t.Fields {
		if v == "" {
			p.add(fmt.Sprintf("%s.fields.%s", field, k), "empty field name")
		}
	}
}
