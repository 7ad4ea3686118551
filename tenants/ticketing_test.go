package tenants

import (
	"testing"
)

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
