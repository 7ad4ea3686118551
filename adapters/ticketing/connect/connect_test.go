package connect

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/secamo/orchestrator/adapters/ticketing"
	sandbox "github.com/secamo/orchestrator/sandbox/ticketing"
	fdemu "github.com/secamo/orchestrator/sandbox/ticketing/freshdesk"
	jiraemu "github.com/secamo/orchestrator/sandbox/ticketing/jira"
	sdpemu "github.com/secamo/orchestrator/sandbox/ticketing/servicedeskplus"
	snowemu "github.com/secamo/orchestrator/sandbox/ticketing/servicenow"
	"github.com/secamo/orchestrator/secrets"
	"github.com/secamo/orchestrator/tenants"
)

const secretValue = "s3cr3t-value"

var resolver = secrets.Static{"env:TICKETING_SECRET": secretValue}

func TestNewNamesTheWrongField(t *testing.T) {
	good := tenants.Ticketing{System: "jira", BaseURL: "https://acme.atlassian.net", Project: "1", RequestType: "10",
		User: "bot@example.com", Credentials: "env:TICKETING_SECRET"}
	tests := []struct {
		name   string
		change func(*tenants.Ticketing)
		field  string
	}{
		{"unknown system", func(c *tenants.Ticketing) { c.System = "zendesk" }, "ticketing.system"},
		{"missing base URL", func(c *tenants.Ticketing) { c.BaseURL = "" }, "ticketing.baseURL"},
		{"relative base URL", func(c *tenants.Ticketing) { c.BaseURL = "acme.atlassian.net" }, "ticketing.baseURL"},
		{"missing credentials", func(c *tenants.Ticketing) { c.Credentials = "" }, "ticketing.credentials"},
		{"unresolvable credentials", func(c *tenants.Ticketing) { c.Credentials = "env:NOT_SET" }, "ticketing.credentials"},
		{"jira without user", func(c *tenants.Ticketing) { c.User = "" }, "ticketing.user"},
		{"jira without service desk", func(c *tenants.Ticketing) { c.Project = "" }, "ticketing.project"},
		{"jira without request type", func(c *tenants.Ticketing) { c.RequestType = "" }, "ticketing.requestType"},
		{"jira with unknown auth", func(c *tenants.Ticketing) { c.Auth = "ntlm" }, "ticketing.auth"},
		{"servicenow without user", func(c *tenants.Ticketing) { c.System, c.User = "servicenow", "" }, "ticketing.user"},
		{"servicenow with unknown table", func(c *tenants.Ticketing) { c.System, c.Project = "servicenow", "problem" }, "ticketing.project"},
		{"servicedeskplus with basic auth", func(c *tenants.Ticketing) { c.System, c.Auth = "servicedeskplus", "basic" }, "ticketing.auth"},
		{"freshdesk with group name", func(c *tenants.Ticketing) { c.System, c.Project = "freshdesk", "Level 1" }, "ticketing.project"},
		{"freshdesk with oauth", func(c *tenants.Ticketing) { c.System, c.Project, c.Auth = "freshdesk", "", "oauth" }, "ticketing.auth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good
			tt.change(&cfg)
			_, err := New(context.Background(), cfg, resolver)
			var fieldErr *FieldError
			if !errors.As(err, &fieldErr) {
				t.Fatalf("New = %v, want a FieldError", err)
			}
			if fieldErr.Field != tt.field {
				t.Errorf("field = %q, want %q (error: %v)", fieldErr.Field, tt.field, err)
			}
			if strings.Contains(err.Error(), secretValue) {
				t.Errorf("error contains the secret: %v", err)
			}
		})
	}
}

// TestNewConnectsToEachEmulator builds every adapter from tenant configuration and raises a
// ticket on the matching emulator, so the credentials reach the wire in each system's scheme.
func TestNewConnectsToEachEmulator(t *testing.T) {
	sdp := sdpemu.New(sdpemu.Options{OAuthToken: secretValue})
	jira := jiraemu.New(jiraemu.Options{Email: "bot@example.com", APIToken: secretValue})
	snow := snowemu.New(snowemu.Options{User: "svc.secamo", Password: secretValue})
	snow.AddUser("hr@example.com")
	fd := fdemu.New(secretValue)
	tests := []struct {
		cfg   tenants.Ticketing
		store *sandbox.Store
		start func() *httptest.Server
	}{
		{tenants.Ticketing{System: "servicedeskplus", Auth: "oauth", Project: "IT Support",
			Fields: map[string]string{"correlationKey": "udf_fields.udf_sline_901"}}, sdp.Store, sdp.Start},
		{tenants.Ticketing{System: "jira", Project: "1", RequestType: "10", User: "bot@example.com"}, jira.Store, jira.Start},
		{tenants.Ticketing{System: "servicenow", User: "svc.secamo", Project: "incident"}, snow.Store, snow.Start},
		{tenants.Ticketing{System: "freshdesk", Project: "42"}, fd.Store, fd.Start},
	}
	for _, tt := range tests {
		t.Run(tt.cfg.System, func(t *testing.T) {
			srv := tt.start()
			t.Cleanup(srv.Close)
			cfg := tt.cfg
			cfg.BaseURL, cfg.Credentials = srv.URL, "env:TICKETING_SECRET"
			sys, err := New(context.Background(), cfg, resolver, WithHTTPClient(srv.Client()))
			if err != nil {
				t.Fatal(err)
			}
			created, err := sys.CreateTicket(context.Background(), ticketing.NewTicket{
				Subject: "Offboard Jane Doe", Requester: "hr@example.com", CorrelationKey: "connect-1"})
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := tt.store.Get(created.ID); !ok {
				t.Errorf("ticket %q not in the emulator's store", created.ID)
			}
		})
	}
}

func TestNewPicksUpRotatedCredentials(t *testing.T) {
	emu := fdemu.New("rotated-key")
	srv := emu.Start()
	t.Cleanup(srv.Close)
	rotating := secrets.Static{"env:FD_KEY": "old-key"}
	cfg := tenants.Ticketing{System: "freshdesk", BaseURL: srv.URL, Credentials: "env:FD_KEY"}
	sys, err := New(context.Background(), cfg, rotating)
	if err != nil {
		t.Fatal(err)
	}
	rec := emu.Store.Create(sandbox.Record{Subject: "x", Status: "Open", Priority: "1"})
	_, err = sys.GetTicket(context.Background(), rec.ID)
	var denied *ticketing.PermissionDenied
	if !errors.As(err, &denied) {
		t.Fatalf("GetTicket with the old key = %v, want PermissionDenied", err)
	}
	rotating["env:FD_KEY"] = "rotated-key"
	if _, err := sys.GetTicket(context.Background(), rec.ID); err != nil {
		t.Fatalf("GetTicket after rotation = %v, want the call retried with the new key", err)
	}
}
