package servicenow

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/secamo/orchestrator/adapters/ticketing"
	"github.com/secamo/orchestrator/adapters/ticketing/internal/contract"
	"github.com/secamo/orchestrator/adapters/ticketing/internal/httpx"
	"github.com/secamo/orchestrator/internal/testenv"
	sandbox "github.com/secamo/orchestrator/sandbox/ticketing"
	emulator "github.com/secamo/orchestrator/sandbox/ticketing/servicenow"
)

func TestContract(t *testing.T) {
	tests := []struct {
		name     string
		emulator emulator.Options
		options  Options
	}{
		{"basic auth", emulator.Options{User: "svc.secamo", Password: "pw-1"}, Options{User: "svc.secamo", Password: "pw-1"}},
		{"oauth", emulator.Options{Token: "tok-1"}, Options{OAuthToken: "tok-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			emu := emulator.New(tt.emulator)
			emu.AddUser("hr@example.com")
			srv := emu.Start()
			t.Cleanup(srv.Close)
			contract.Run(t, contract.Harness{
				Store:  emu.Store,
				Faults: emu.Faults,
				NewSystem: func(t *testing.T, clock httpx.Clock, maxAttempts int) ticketing.System {
					opts := tt.options
					opts.BaseURL, opts.HTTPClient, opts.Clock, opts.MaxAttempts = srv.URL, srv.Client(), clock, maxAttempts
					opts.Fields = map[string]string{"leaver": "u_leaver"}
					c, err := New(opts)
					if err != nil {
						t.Fatal(err)
					}
					return c
				},
				Seed: sandbox.Record{
					Subject: "Leaver: Jane Doe", Description: "Last day 31 December.", Status: "In Progress",
					Requester: "hr@example.com", Fields: map[string]string{"u_leaver": "jane.doe@example.com"},
				},
				WantSeeded: ticketing.Ticket{
					Subject: "Leaver: Jane Doe", Description: "Last day 31 December.", Status: "In Progress",
					Requester: "hr@example.com", Fields: map[string]string{"u_leaver": "jane.doe@example.com"},
				},
				MissingID:      "0123456789abcdef0123456789abcdef",
				CreatePath:     "/api/now/table/incident",
				Status:         "On Hold",
				StoredStatus:   "On Hold",
				ResolvedStatus: "Resolved",
				HasCorrelationKey: func(rec sandbox.Record, key string) bool {
					return rec.Fields["correlation_id"] == key
				},
			})
		})
	}
}

func TestUnknownRequesterIsInvalid(t *testing.T) {
	emu := emulator.New(emulator.Options{Token: "tok"})
	srv := emu.Start()
	t.Cleanup(srv.Close)
	c, err := New(Options{BaseURL: srv.URL, OAuthToken: "tok", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateTicket(t.Context(), ticketing.NewTicket{Subject: "x", Requester: "nobody@example.com"})
	var invalid *ticketing.InvalidTicketData
	if !errors.As(err, &invalid) {
		t.Fatalf("CreateTicket = %v, want InvalidTicketData naming the requester", err)
	}
	if n := len(emu.Store.All()); n != 0 {
		t.Errorf("records = %d, want none created", n)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	tests := []Options{
		{BaseURL: "acme.service-now.com", OAuthToken: "t"},
		{BaseURL: "https://acme.service-now.com"},
		{BaseURL: "https://acme.service-now.com", User: "u"},
		{BaseURL: "https://acme.service-now.com", OAuthToken: "t", Table: "problem"},
	}
	for _, opts := range tests {
		if _, err := New(opts); err == nil {
			t.Errorf("New(%+v) = nil error, want one", opts)
		}
	}
}

func TestParseSharedRecord(t *testing.T) {
	path := filepath.Join(testenv.SharedDir(t, "../../.."), "samples", "servicenow", "servicenow-incident-updated.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseRecord(data, "incident", "https://acme.service-now.com")
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ name, got, want string }{
		{"ID", got.ID, "sys_id"},
		{"Key", got.Key, "INC0000039"},
		{"Subject", got.Subject, "Trouble getting to Oregon mail server"},
		{"Description", got.Description, "Unable to access Oregon mail server. Is it down?"},
		{"Status", got.Status, "New"},
		{"Requester", got.Requester, "test"},
		{"Fields[u_custom_field_test]", got.Fields["u_custom_field_test"], "NYC"},
		{"Fields[category]", got.Fields["category"], "network"},
		{"Fields[assignment_group]", got.Fields["assignment_group"], "test"},
		{"CreatedAt", got.CreatedAt.Format("2006-01-02 15:04:05"), "2019-09-05 00:42:29"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if _, ok := got.Fields["parent"]; ok {
		t.Error(`Fields has the empty reference "parent", want empty values left out`)
	}
}

func TestParseRecordRejectsBadInput(t *testing.T) {
	for _, in := range []string{``, `{`, `{}`, `{"result":[]}`, `{"result":{"number":"INC1"}}`} {
		if _, err := ParseRecord([]byte(in), "incident", ""); err == nil {
			t.Errorf("ParseRecord(%q) = nil error, want one", in)
		}
	}
}
