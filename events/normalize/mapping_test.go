package normalize

import (
	"strings"
	"testing"
	"time"

	"github.com/secamo/orchestrator/events"
	"github.com/secamo/orchestrator/tenants"
)

func TestMappingDate(t *testing.T) {
	brussels, err := time.LoadLocation("Europe/Brussels")
	if err != nil {
		t.Skipf("time zone data unavailable: %v", err)
	}
	m := TicketMapping{Location: brussels}
	tests := []struct {
		name  string
		value any
		want  string
		err   string
	}{
		{"date only", "2026-12-31", "2026-12-31", ""},
		{"rfc3339 late utc is next day in brussels", "2026-12-31T23:30:00Z", "2027-01-01", ""},
		{"jira offset without colon", "2026-11-30T09:00:00.000+0100", "2026-11-30", ""},
		{"servicenow utc", "2026-12-15 23:30:00", "2026-12-16", ""},
		{"epoch milliseconds object", map[string]any{"display_value": "Nov 27, 2026 11:30 PM", "value": "1795905000000"}, "2026-11-28", ""},
		{"spaces trimmed", "  2026-01-05 ", "2026-01-05", ""},
		{"day month ambiguous", "01/02/2026", "", "is not a date"},
		{"words", "next friday", "", "is not a date"},
		{"empty", "", "", "empty"},
		{"null", nil, "", "empty"},
		{"short number", "12345", "", "is not a date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := m.date(tt.value)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("date(%v) = %q, %v; want an error containing %q", tt.value, got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("date(%v) = %q, %v; want %q", tt.value, got, err, tt.want)
			}
		})
	}
}

func TestMappingMatchAndUser(t *testing.T) {
	m := TicketMapping{Rules: []tenants.TicketRule{
		{Kind: "onboarding", System: "jira", Match: map[string][]string{"labels": {"Joiner"}}, User: "customfield_1"},
		{Kind: "offboarding", Match: map[string][]string{"customfield_2": {"Leaver"}, "priority.name": {"high", "urgent"}}, User: "customfield_1"},
		{Kind: "catch-all", System: "servicenow"},
	}}
	tests := []struct {
		name     string
		system   string
		record   map[string]any
		kind     string
		user     string
		fetch    bool
		problems int
	}{
		{"label in list", "jira", map[string]any{"labels": []any{"hr", "joiner"}, "customfield_1": map[string]any{"emailAddress": "a@example.com", "displayName": "A"}}, "onboarding", "a@example.com", false, 0},
		{"rule limited to other system", "freshdesk", map[string]any{"labels": []any{"joiner"}}, "", "", false, 0},
		{"select option value", "jira", map[string]any{"customfield_2": map[string]any{"value": "leaver"}, "priority": map[string]any{"name": "High"}, "customfield_1": "b@example.com"}, "offboarding", "b@example.com", false, 0},
		{"one condition fails", "jira", map[string]any{"customfield_2": map[string]any{"value": "leaver"}, "priority": map[string]any{"name": "Low"}}, "", "", false, 0},
		{"user field absent", "servicedeskplus", map[string]any{"customfield_2": "Leaver", "priority": map[string]any{"name": "urgent"}}, "offboarding", "", true, 0},
		{"user field empty", "jira", map[string]any{"customfield_2": "Leaver", "priority": map[string]any{"name": "urgent"}, "customfield_1": ""}, "offboarding", "", false, 1},
		{"empty match accepts all", "servicenow", map[string]any{"sys_id": "x"}, "catch-all", "", false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := ticketFor(tt.system)
			m.classify(&ev, tt.record)
			if ev.Kind != tt.kind || ev.User != tt.user || ev.NeedsFetch != tt.fetch || len(ev.Problems) != tt.problems {
				t.Errorf("kind %q user %q needsFetch %v problems %q; want %q %q %v and %d problems",
					ev.Kind, ev.User, ev.NeedsFetch, ev.Problems, tt.kind, tt.user, tt.fetch, tt.problems)
			}
		})
	}
}

func TestTenantTicketRulesValidated(t *testing.T) {
	base := "name: acme\nlocale: en\nworkflows: [user-offboarding]\n" +
		"ticketing: {system: freshdesk, baseURL: https://acme.freshdesk.com}\n" +
		"approvals: {levels: [{approvers: [a@example.com], timeout: 4h}], signingKey: env:K, baseURL: https://a.example.com, from: o@example.com}\n"
	tests := []struct {
		name   string
		events string
		field  string
	}{
		{"bad kind", "events: {tickets: [{kind: Off Boarding}]}", "events.tickets[0].kind"},
		{"bad system", "events: {tickets: [{kind: offboarding, system: zendesk}]}", "events.tickets[0].system"},
		{"empty values", "events: {tickets: [{kind: offboarding, match: {ticket_type: []}}]}", "events.tickets[0].match.ticket_type"},
		{"bad user path", "events: {tickets: [{kind: offboarding, user: a..b}]}", "events.tickets[0].user"},
		{"bad auth", "events: {webhookAuth: basic}", "events.webhookAuth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tenants.Parse("acme.yaml", []byte(base+tt.events+"\n"))
			if err == nil || !strings.Contains(err.Error(), tt.field+":") {
				t.Errorf("Parse = %v, want an error naming %s", err, tt.field)
			}
		})
	}
	if _, err := tenants.Parse("acme.yaml", []byte(base+"events: {tickets: [{kind: offboarding, match: {ticket_type: [Leaver]}, user: ticket_cf_email}]}\n")); err != nil {
		t.Errorf("Parse of a valid ticket rule: %v", err)
	}
}

func ticketFor(system string) events.TicketEvent {
	return events.TicketEvent{System: system, TicketID: "1"}
}
