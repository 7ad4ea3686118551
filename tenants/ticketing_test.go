package tenants

import (
	"testing"
)

var zohoClient = TicketingOAuth{TokenURL: "https://accounts.zoho.eu/oauth/v2/token", ClientID: "1000.ABC",
	ClientSecret: "env:ZOHO_CLIENT_SECRET", RefreshToken: "env:ZOHO_REFRESH_TOKEN"}

func withOAuth(change func(*TicketingOAuth)) *TicketingOAuth {
	o := zohoClient
	change(&o)
	return &o
}

func TestTicketingValidatePerSystem(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Ticketing
		field string // "" means valid
	}{
		{"jira basic", Ticketing{System: "jira", BaseURL: "https://acme.atlassian.net", Project: "1", RequestType: "10", User: "bot@example.com"}, ""},
		{"jira oauth without user", Ticketing{System: "jira", BaseURL: "https://acme.atlassian.net", Project: "1", RequestType: "10", Auth: "oauth"}, ""},
		{"jira project key", Ticketing{System: "jira", BaseURL: "https://acme.atlassian.net", Project: "ITS", RequestType: "10", User: "bot@example.com"}, "ticketing.project"},
		{"jira without request type", Ticketing{System: "jira", BaseURL: "https://acme.atlassian.net", Project: "1", User: "bot@example.com"}, "ticketing.requestType"},
		{"jira user not e-mail", Ticketing{System: "jira", BaseURL: "https://acme.atlassian.net", Project: "1", RequestType: "10", User: "bot"}, "ticketing.user"},
		{"jira correlation label field", Ticketing{System: "jira", BaseURL: "https://acme.atlassian.net", Project: "1", RequestType: "10", User: "bot@example.com", Fields: map[string]string{"correlationKey": "labels"}}, "ticketing.fields.correlationKey"},
		{"servicenow basic", Ticketing{System: "servicenow", BaseURL: "https://acme.service-now.com", User: "svc"}, ""},
		{"servicenow without user", Ticketing{System: "servicenow", BaseURL: "https://acme.service-now.com"}, "ticketing.user"},
		{"servicenow problem table", Ticketing{System: "servicenow", BaseURL: "https://acme.service-now.com", User: "svc", Project: "problem"}, "ticketing.project"},
		{"servicenow token auth", Ticketing{System: "servicenow", BaseURL: "https://acme.service-now.com", User: "svc", Auth: "token"}, "ticketing.auth"},
		{"servicedeskplus oauth", Ticketing{System: "servicedeskplus", BaseURL: "https://sdpondemand.manageengine.eu/app/itdesk", Auth: "oauth", Project: "IT Support"}, ""},
		{"servicedeskplus oauth refresh", Ticketing{System: "servicedeskplus", BaseURL: "https://sdpondemand.manageengine.eu/app/itdesk", Auth: "oauth", OAuth: &zohoClient}, ""},
		{"oauth block without oauth auth", Ticketing{System: "servicedeskplus", BaseURL: "https://sdp.example.com", Auth: "token", OAuth: &zohoClient}, "ticketing.oauth"},
		{"oauth without token URL", Ticketing{System: "servicedeskplus", BaseURL: "https://sdp.example.com", Auth: "oauth", OAuth: withOAuth(func(o *TicketingOAuth) { o.TokenURL = "" })}, "ticketing.oauth.tokenURL"},
		{"oauth with relative token URL", Ticketing{System: "servicedeskplus", BaseURL: "https://sdp.example.com", Auth: "oauth", OAuth: withOAuth(func(o *TicketingOAuth) { o.TokenURL = "accounts.zoho.eu" })}, "ticketing.oauth.tokenURL"},
		{"oauth without client id", Ticketing{System: "servicedeskplus", BaseURL: "https://sdp.example.com", Auth: "oauth", OAuth: withOAuth(func(o *TicketingOAuth) { o.ClientID = "" })}, "ticketing.oauth.clientID"},
		{"oauth without client secret", Ticketing{System: "servicedeskplus", BaseURL: "https://sdp.example.com", Auth: "oauth", OAuth: withOAuth(func(o *TicketingOAuth) { o.ClientSecret = "" })}, "ticketing.oauth.clientSecret"},
		{"oauth with plain refresh token", Ticketing{System: "jira", BaseURL: "https://api.atlassian.com/ex/jira/1", Project: "1", RequestType: "10", Auth: "oauth", OAuth: withOAuth(func(o *TicketingOAuth) { o.RefreshToken = "1000.abc" })}, "ticketing.oauth.refreshToken"},
		{"servicedeskplus basic", Ticketing{System: "servicedeskplus", BaseURL: "https://sdp.example.com", Auth: "basic"}, "ticketing.auth"},
		{"servicedeskplus correlation not udf", Ticketing{System: "servicedeskplus", BaseURL: "https://sdp.example.com", Fields: map[string]string{"correlationKey": "subject"}}, "ticketing.fields.correlationKey"},
		{"freshdesk", Ticketing{System: "freshdesk", BaseURL: "https://acme.freshdesk.com", Project: "42"}, ""},
		{"freshdesk group name", Ticketing{System: "freshdesk", BaseURL: "https://acme.freshdesk.com", Project: "Level 1"}, "ticketing.project"},
		{"freshdesk oauth", Ticketing{System: "freshdesk", BaseURL: "https://acme.freshdesk.com", Auth: "oauth"}, "ticketing.auth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p problems
			tt.cfg.validate("ticketing", &p)
			if tt.field == "" {
				if len(p.list) != 0 {
					t.Fatalf("validate = %v, want no problems", p.list)
				}
				return
			}
			found := false
			for _, f := range p.list {
				found = found || f.Field == tt.field
			}
			if !found {
				t.Errorf("validate = %v, want a problem with %s", p.list, tt.field)
			}
		})
	}
}
