package tenants

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/secamo/orchestrator/secrets"
)

// TicketingSystems lists the supported ticketing systems.
var TicketingSystems = []string{"servicedeskplus", "jira", "servicenow", "freshdesk"}

// Ticketing selects the tenant's ticketing system and how to reach it.
type Ticketing struct {
	// System is one of servicedeskplus, jira, servicenow, freshdesk.
	System string `yaml:"system"`
	// BaseURL is the API root, such as https://acme.atlassian.net,
	// https://sdpondemand.manageengine.eu/app/itdesk (ServiceDesk Plus Cloud, with the
	// portal) or https://acme.service-now.com.
	BaseURL string `yaml:"baseURL"`
	// Project is the container of new tickets: the Jira service desk id (numeric, required),
	// the ServiceNow table (incident, sc_request or sc_req_item, incident when empty), the
	// ServiceDesk Plus group name or the Freshdesk group id (numeric). ServiceDesk Plus and
	// Freshdesk tickets get no group when it is empty.
	Project string `yaml:"project"`
	// RequestType is the Jira request type id new requests use (required for Jira).
	RequestType string `yaml:"requestType"`
	// User is the account name for basic authentication (Jira e-mail, ServiceNow user).
	User string `yaml:"user"`
	// Credentials references the API token, API key, password or OAuth access token. With
	// an OAuth block it may be empty: the adapter obtains access tokens itself.
	Credentials secrets.Ref `yaml:"credentials"`
	// OAuth, with auth oauth, lets the adapter obtain and refresh access tokens with the
	// refresh-token grant instead of reading one from Credentials.
	OAuth *TicketingOAuth `yaml:"oauth"`
	// Auth selects the authentication where a system offers several: token (default), basic,
	// oauth. Jira: basic (e-mail and API token, the default) or oauth. ServiceNow: basic (the
	// default) or oauth. ServiceDesk Plus: oauth (Cloud, Zoho) or token (on-premises
	// authtoken, the default). Freshdesk: token (API key).
	Auth string `yaml:"auth"`
	// CloseCode is the ServiceNow incident close code set on resolve, such as
	// "Solved (Permanently)" (the default).
	CloseCode string `yaml:"closeCode"`
	// Resolution is the Jira resolution set on resolve, such as Done; empty sets none.
	Resolution string `yaml:"resolution"`
	// ResolveTransition is the Jira transition (or its target status) resolve performs;
	// empty tries the usual names (Resolve this issue, Resolve, Resolved, Done, Close).
	ResolveTransition string `yaml:"resolveTransition"`
	// Fields maps the workflow's names (user, effectiveDate, ...) to the system's field names
	// (customfield_10050, u_leaver, udf_fields.udf_sline_301, ...). The name correlationKey
	// selects the field that stores the key of idempotent create; see the ticketing adapter
	// docs for each system's default.
	Fields map[string]string `yaml:"fields"`
}

// TicketingOAuth names the token endpoint and the client that refreshes OAuth access tokens
// (RFC 6749 section 6), such as a Zoho self-client for ServiceDesk Plus Cloud.
type TicketingOAuth struct {
	// TokenURL is the token endpoint, such as https://accounts.zoho.eu/oauth/v2/token for
	// Zoho's EU data centre.
	TokenURL string `yaml:"tokenURL"`
	// ClientID is the OAuth client id, such as Zoho's 1000.XXXX.
	ClientID string `yaml:"clientID"`
	// ClientSecret references the client secret.
	ClientSecret secrets.Ref `yaml:"clientSecret"`
	// RefreshToken references the long-lived refresh token.
	RefreshToken secrets.Ref `yaml:"refreshToken"`
}

func (o TicketingOAuth) validate(field string, p *problems) {
	checkURL(field+".tokenURL", o.TokenURL, true, p)
	if o.ClientID == "" {
		p.add(field+".clientID", "missing OAuth client id")
	}
	checkSecret(field+".clientSecret", o.ClientSecret, p)
	checkSecret(field+".refreshToken", o.RefreshToken, p)
}

var (
	numericPattern = regexp.MustCompile(`^[0-9]+$`)
	emailPattern   = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

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
	if t.OAuth != nil {
		if t.Auth != "oauth" {
			p.add(field+".oauth", "set only with auth: oauth (auth is %q)", t.Auth)
		}
		t.OAuth.validate(field+".oauth", p)
	}
	for k, v := range t.Fields {
		if v == "" {
			p.add(fmt.Sprintf("%s.fields.%s", field, k), "empty field name")
		}
	}
	switch t.System {
	case "jira":
		t.validateJira(field, p)
	case "servicenow":
		t.validateServiceNow(field, p)
	case "servicedeskplus":
		t.validateServiceDeskPlus(field, p)
	case "freshdesk":
		t.validateFreshdesk(field, p)
	}
}

func (t Ticketing) validateJira(field string, p *problems) {
	if !numericPattern.MatchString(t.Project) {
		p.add(field+".project", "must be the Jira service desk id, a number such as 1 (got %q)", t.Project)
	}
	if !numericPattern.MatchString(t.RequestType) {
		p.add(field+".requestType", "must be the Jira request type id, a number such as 10 (got %q)", t.RequestType)
	}
	switch t.Auth {
	case "", "basic":
		if !emailPattern.MatchString(t.User) {
			p.add(field+".user", "must be the e-mail address of the Jira account that owns the API token (got %q)", t.User)
		}
	case "oauth":
	default:
		p.add(field+".auth", "must be basic or oauth for Jira (got %q)", t.Auth)
	}
	if v, ok := t.Fields["correlationKey"]; ok && !strings.HasPrefix(v, "customfield_") {
		p.add(field+".fields.correlationKey", "must be a Jira text custom field such as customfield_10077 (got %q)", v)
	}
}

func (t Ticketing) validateServiceNow(field string, p *problems) {
	switch t.Project {
	case "", "incident", "sc_request", "sc_req_item":
	default:
		p.add(field+".project", "must be the ServiceNow table incident, sc_request or sc_req_item (got %q)", t.Project)
	}
	switch t.Auth {
	case "", "basic":
		if t.User == "" {
			p.add(field+".user", "missing ServiceNow user name for basic authentication")
		}
	case "oauth":
	default:
		p.add(field+".auth", "must be basic or oauth for ServiceNow (got %q)", t.Auth)
	}
}

func (t Ticketing) validateServiceDeskPlus(field string, p *problems) {
	switch t.Auth {
	case "", "token", "oauth":
	default:
		p.add(field+".auth", "must be oauth (Cloud) or token (on-premises authtoken) for ServiceDesk Plus (got %q)", t.Auth)
	}
	if v, ok := t.Fields["correlationKey"]; ok && !strings.HasPrefix(strings.TrimPrefix(v, "udf_fields."), "udf_") {
		p.add(field+".fields.correlationKey", "must be a user-defined field such as udf_fields.udf_sline_901 (got %q)", v)
	}
}

func (t Ticketing) validateFreshdesk(field string, p *problems) {
	if t.Project != "" && !numericPattern.MatchString(t.Project) {
		p.add(field+".project", "must be the Freshdesk group id, a number, or empty (got %q)", t.Project)
	}
	switch t.Auth {
	case "", "token":
	default:
		p.add(field+".auth", "must be token (API key) for Freshdesk (got %q)", t.Auth)
	}
}
