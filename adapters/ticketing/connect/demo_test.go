package connect

import (
	"context"
	"testing"

	"github.com/secamo/orchestrator/adapters/ticketing"
	sandbox "github.com/secamo/orchestrator/sandbox/ticketing"
	fdemu "github.com/secamo/orchestrator/sandbox/ticketing/freshdesk"
	jiraemu "github.com/secamo/orchestrator/sandbox/ticketing/jira"
	sdpemu "github.com/secamo/orchestrator/sandbox/ticketing/servicedeskplus"
	snowemu "github.com/secamo/orchestrator/sandbox/ticketing/servicenow"
	"github.com/secamo/orchestrator/tenants"
)

// TestSeededDemoTicketsReadBack reads each emulator's demo offboarding ticket through the
// adapter and finds the leaver under the tenant's field name, as the offboarding workflow
// looks it up.
func TestSeededDemoTicketsReadBack(t *testing.T) {
	sdp := sdpemu.New(sdpemu.Options{OAuthToken: secretValue})
	jira := jiraemu.New(jiraemu.Options{OAuthToken: secretValue})
	snow := snowemu.New(snowemu.Options{Token: secretValue})
	fd := fdemu.New(secretValue)
	cases := []struct {
		cfg  tenants.Ticketing
		seed func(map[string]string) []sandbox.Record
		url  func(t *testing.T) string
	}{
		{tenants.Ticketing{System: "servicedeskplus", Auth: "oauth", Fields: map[string]string{"user": "udf_fields.udf_sline_301"}},
			sdp.SeedDemo, func(t *testing.T) string { srv := sdp.Start(); t.Cleanup(srv.Close); return srv.URL }},
		{tenants.Ticketing{System: "jira", Auth: "oauth", Project: "1", RequestType: "10", Fields: map[string]string{"user": "customfield_10050"}},
			jira.SeedDemo, func(t *testing.T) string { srv := jira.Start(); t.Cleanup(srv.Close); return srv.URL }},
		{tenants.Ticketing{System: "servicenow", Auth: "oauth", Fields: map[string]string{"user": "u_leaver"}},
			snow.SeedDemo, func(t *testing.T) string { srv := snow.Start(); t.Cleanup(srv.Close); return srv.URL }},
		{tenants.Ticketing{System: "freshdesk", Fields: map[string]string{"user": "cf_leaver"}},
			fd.SeedDemo, func(t *testing.T) string { srv := fd.Start(); t.Cleanup(srv.Close); return srv.URL }},
	}
	for _, c := range cases {
		t.Run(c.cfg.System, func(t *testing.T) {
			cfg := c.cfg
			cfg.BaseURL, cfg.Credentials = c.url(t), "env:TICKETING_SECRET"
			seeded := c.seed(cfg.Fields)
			sys, err := New(context.Background(), cfg, resolver)
			if err != nil {
				t.Fatal(err)
			}
			var got *ticketing.Ticket
			if got, err = sys.GetTicket(context.Background(), seeded[0].ID); err != nil {
				t.Fatal(err)
			}
			if leaver := got.Fields[cfg.Fields["user"]]; leaver != "jane.doe@contoso.example" {
				t.Errorf("Fields[%q] = %q, want the demo leaver (fields: %v)", cfg.Fields["user"], leaver, got.Fields)
			}
			if got.Requester != "hr@contoso.example" {
				t.Errorf("Requester = %q, want hr@contoso.example", got.Requester)
			}
		})
	}
}
