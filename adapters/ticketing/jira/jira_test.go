package jira

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/secamo/orchestrator/adapters/ticketing"
	"github.com/secamo/orchestrator/adapters/ticketing/internal/contract"
	"github.com/secamo/orchestrator/adapters/ticketing/internal/httpx"
	"github.com/secamo/orchestrator/internal/testenv"
	sandbox "github.com/secamo/orchestrator/sandbox/ticketing"
	emulator "github.com/secamo/orchestrator/sandbox/ticketing/jira"
)

func TestContract(t *testing.T) {
	tests := []struct {
		name        string
		emulator    emulator.Options
		options     Options
		correlation string
	}{
		{"api token, labels", emulator.Options{Email: "bot@example.com", APIToken: "atl-1"},
			Options{Email: "bot@example.com", APIToken: "atl-1"}, ""},
		{"oauth, custom field", emulator.Options{OAuthToken: "oauth-1"},
			Options{OAuthToken: "oauth-1"}, "customfield_10077"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			emu := emulator.New(tt.emulator)
			srv := emu.Start()
			t.Cleanup(srv.Close)
			contract.Run(t, contract.Harness{
				Store:  emu.Store,
				Faults: emu.Faults,
				NewSystem: func(t *testing.T, clock httpx.Clock, maxAttempts int) ticketing.System {
					opts := tt.options
					opts.BaseURL, opts.HTTPClient, opts.Clock, opts.MaxAttempts = srv.URL, srv.Client(), clock, maxAttempts
					opts.ServiceDeskID, opts.RequestTypeID, opts.Resolution = "1", "10", "Done"
					opts.Fields = map[string]string{"leaver": "customfield_10050", "priority": "priority"}
					if tt.correlation != "" {
						opts.Fields["correlationKey"] = tt.correlation
					}
					c, err := New(opts)
					if err != nil {
						t.Fatal(err)
					}
					return c
				},
				Seed: sandbox.Record{
					Subject: "Leaver: Jane Doe", Description: "Last day 31 December.\nKeep the mailbox.", Status: "Waiting for support",
					Requester: "hr@example.com", Fields: map[string]string{"customfield_10050": "jane.doe@example.com"},
				},
				WantSeeded: ticketing.Ticket{
					Subject: "Leaver: Jane Doe", Description: "Last day 31 December.\nKeep the mailbox.", Status: "Waiting for support",
					Requester: "hr@example.com", Fields: map[string]string{"customfield_10050": "jane.doe@example.com"},
				},
				MissingID:      "ITS-9999",
				CreatePath:     "/rest/servicedeskapi/request",
				Status:         "In Progress",
				StoredStatus:   "In Progress",
				ResolvedStatus: "Resolved",
				HasCorrelationKey: func(rec sandbox.Record, key string) bool {
					if tt.correlation != "" {
						return rec.Fields[tt.correlation] == key
					}
					return slices.Contains(rec.Labels, key)
				},
			})
		})
	}
}

func TestResolveSetsResolution(t *testing.T) {
	emu := emulator.New(emulator.Options{OAuthToken: "tok"})
	srv := emu.Start()
	t.Cleanup(srv.Close)
	rec := emu.Store.Create(sandbox.Record{Subject: "x", Status: "In Progress"})
	c, err := New(Options{BaseURL: srv.URL, OAuthToken: "tok", ServiceDeskID: "1", RequestTypeID: "10",
		Resolution: "Done", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Resolve(t.Context(), rec.Key, "Verified."); err != nil {
		t.Fatal(err)
	}
	got, _ := emu.Store.Get(rec.ID)
	if got.Resolution != "Done" {
		t.Errorf("resolution = %q, want Done", got.Resolution)
	}
	if len(got.Comments) != 1 || got.Comments[0].Body != "Verified." {
		t.Errorf("comments = %+v, want the note sent in ADF", got.Comments)
	}
}

func TestLabelWithSpaceIsInvalid(t *testing.T) {
	c, err := New(Options{BaseURL: "https://acme.atlassian.net", OAuthToken: "tok", ServiceDeskID: "1", RequestTypeID: "10"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateTicket(t.Context(), ticketing.NewTicket{Subject: "x", CorrelationKey: "two words"})
	var invalid *ticketing.InvalidTicketData
	if !errors.As(err, &invalid) {
		t.Fatalf("CreateTicket = %v, want InvalidTicketData", err)
	}
}

func TestADFText(t *testing.T) {
	tests := []struct{ in, want string }{
		{`"plain v2 text"`, "plain v2 text"},
		{`{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"one"},{"type":"hardBreak"},{"type":"text","text":"two"}]},{"type":"paragraph","content":[{"type":"text","text":"three"}]}]}`, "one\ntwo\nthree"},
		{`null`, ""},
		{`42`, ""},
	}
	for _, tt := range tests {
		if got := adfText(json.RawMessage(tt.in)); got != tt.want {
			t.Errorf("adfText(%s) = %q, want %q", tt.in, got, tt.want)
		}
	}
	doc, _ := json.Marshal(adfDocument("a\nb"))
	if got := adfText(doc); got != "a\nb" {
		t.Errorf("adfText(adfDocument(a\\nb)) = %q, want a round trip", got)
	}
}

// The shared Jira sample is a jira:issue_updated webhook; its "issue" object is an issue
// record (API v2 shape, plain-text description), which ParseIssue reads.
func TestParseSharedWebhookIssue(t *testing.T) {
	path := filepath.Join(testenv.SharedDir(t, "../../.."), "samples", "jira", "jira-issue-updated-status.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var webhook struct {
		Issue json.RawMessage `json:"issue"`
	}
	if err := json.Unmarshal(data, &webhook); err != nil {
		t.Fatal(err)
	}
	got, err := ParseIssue(webhook.Issue, "https://example-tenant.atlassian.net")
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ name, got, want string }{
		{"ID", got.ID, "10000"},
		{"Key", got.Key, "TEST-1"},
		{"URL", got.URL, "https://example-tenant.atlassian.net/browse/TEST-1"},
		{"Subject", got.Subject, "Fix That"},
		{"Description", got.Description, "Fix That"},
		{"Status", got.Status, "In Progress"},
		{"Requester", got.Requester, "agent.two@example.invalid"},
		{"Fields[customfield_10112]", got.Fields["customfield_10112"], "Not started"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if want := time.Date(2017, 1, 30, 17, 30, 41, 962e6, time.UTC); !got.CreatedAt.Equal(want) {
		t.Errorf("CreatedAt = %v, want %v", got.CreatedAt, want)
	}
	if _, ok := got.Fields["customfield_10110"]; ok {
		t.Error("Fields has the null customfield_10110, want nulls left out")
	}
}

func TestParseIssueRejectsBadInput(t *testing.T) {
	for _, in := range []string{``, `{`, `{}`, `{"id":"1"}`, `[]`} {
		if _, err := ParseIssue([]byte(in), ""); err == nil {
			t.Errorf("ParseIssue(%q) = nil error, want one", in)
		}
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	tests := []Options{
		{BaseURL: "acme.atlassian.net", OAuthToken: "t", ServiceDeskID: "1", RequestTypeID: "10"},
		{BaseURL: "https://acme.atlassian.net", ServiceDeskID: "1", RequestTypeID: "10"},
		{BaseURL: "https://acme.atlassian.net", Email: "a@example.com", ServiceDeskID: "1", RequestTypeID: "10"},
		{BaseURL: "https://acme.atlassian.net", OAuthToken: "t", RequestTypeID: "10"},
	}
	for _, opts := range tests {
		if _, err := New(opts); err == nil {
			t.Errorf("New(%+v) = nil error, want one", opts)
		}
	}
}
