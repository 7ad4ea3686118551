package servicedeskplus

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/secamo/orchestrator/adapters/ticketing"
	"github.com/secamo/orchestrator/adapters/ticketing/internal/contract"
	"github.com/secamo/orchestrator/adapters/ticketing/internal/httpx"
	"github.com/secamo/orchestrator/internal/testenv"
	sandbox "github.com/secamo/orchestrator/sandbox/ticketing"
	emulator "github.com/secamo/orchestrator/sandbox/ticketing/servicedeskplus"
)

func TestContract(t *testing.T) {
	tests := []struct {
		name     string
		emulator emulator.Options
		options  Options
	}{
		{"cloud oauth", emulator.Options{OAuthToken: "1000.abc"}, Options{OAuthToken: "1000.abc"}},
		{"on-premises authtoken, udf objects", emulator.Options{AuthToken: "TK-1", UDFAsObjects: true}, Options{AuthToken: "TK-1"}},
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
					opts.Group = "IT Support"
					opts.Fields = map[string]string{"correlationKey": "udf_fields.udf_sline_900", "leaver": "udf_sline_301"}
					c, err := New(opts)
					if err != nil {
						t.Fatal(err)
					}
					return c
				},
				Seed: sandbox.Record{
					Subject: "Leaver: Jane Doe", Description: "<div>Last day 31 December.</div>", Status: "On Hold",
					Priority: "Medium", Requester: "hr@example.com", Fields: map[string]string{"udf_sline_301": "jane.doe@example.com"},
				},
				WantSeeded: ticketing.Ticket{
					Subject: "Leaver: Jane Doe", Description: "Last day 31 December.", Status: "On Hold",
					Requester: "hr@example.com", Fields: map[string]string{"udf_fields.udf_sline_301": "jane.doe@example.com"},
				},
				MissingID:      "123640000000999999",
				CreatePath:     "/api/v3/requests",
				Status:         "In Progress",
				StoredStatus:   "In Progress",
				ResolvedStatus: "Resolved",
				HasCorrelationKey: func(rec sandbox.Record, key string) bool {
					return rec.Fields["udf_sline_900"] == key
				},
				FailureWithOK: true,
			})
		})
	}
}

func TestCreateWithoutCorrelationFieldUsesSubject(t *testing.T) {
	emu := emulator.New(emulator.Options{OAuthToken: "tok"})
	srv := emu.Start()
	t.Cleanup(srv.Close)
	c, err := New(Options{BaseURL: srv.URL, OAuthToken: "tok", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	// A request whose subject merely mentions the key must not be taken for the ticket.
	emu.Store.Create(sandbox.Record{Subject: "About [offb-7] and more", Status: "Open"})
	nt := ticketing.NewTicket{Subject: "Offboard Jane Doe", Requester: "hr@example.com", CorrelationKey: "offb-7"}
	first, err := c.CreateTicket(t.Context(), nt)
	if err != nil {
		t.Fatal(err)
	}
	second, err := c.CreateTicket(t.Context(), nt)
	if err != nil {
		t.Fatal(err)
	}
	if second.ID != first.ID {
		t.Errorf("second create returned %q, want the first request %q", second.ID, first.ID)
	}
	if first.Subject != "Offboard Jane Doe [offb-7]" {
		t.Errorf("Subject = %q, want the key appended", first.Subject)
	}
	if n := len(emu.Store.All()); n != 2 {
		t.Errorf("requests = %d, want 2 (the unrelated one and one created)", n)
	}
}

func TestListPagesUntilFound(t *testing.T) {
	emu := emulator.New(emulator.Options{OAuthToken: "tok"})
	srv := emu.Start()
	t.Cleanup(srv.Close)
	for i := 0; i < 150; i++ {
		emu.Store.Create(sandbox.Record{Subject: "Mentions [offb-8] only", Status: "Open"})
	}
	want := emu.Store.Create(sandbox.Record{Subject: "Offboard [offb-8]", Status: "Open"})
	c, err := New(Options{BaseURL: srv.URL, OAuthToken: "tok", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.CreateTicket(t.Context(), ticketing.NewTicket{Subject: "Offboard", CorrelationKey: "offb-8"})
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != want.ID {
		t.Errorf("CreateTicket = %q, want the existing request %q from the second page", got.ID, want.ID)
	}
}

func TestFailureStatusIsTyped(t *testing.T) {
	tests := []struct {
		body  string
		check func(error) bool
	}{
		{`{"response_status":{"status_code":4000,"status":"failed","messages":[{"status_code":4002,"type":"failed","message":"UNAUTHORISED"}]}}`,
			func(err error) bool { var e *ticketing.PermissionDenied; return errors.As(err, &e) }},
		{`{"response_status":{"status_code":4000,"status":"failed","messages":[{"status_code":4007,"message":"Invalid URL"}]}}`,
			func(err error) bool { var e *ticketing.TicketNotFound; return errors.As(err, &e) && e.ID == "42" }},
		{`{"response_status":[{"status_code":4000,"status":"failed","messages":[{"status_code":4015}]}]}`,
			func(err error) bool { var e *ticketing.Throttled; return errors.As(err, &e) }},
		{`{"response_status":{"status_code":4000,"status":"failed","messages":[{"status_code":4012,"field":"subject","message":"Value for subject is missing"}]}}`,
			func(err error) bool {
				var e *ticketing.InvalidTicketData
				return errors.As(err, &e) && strings.Contains(e.Detail, "subject")
			}},
		{`{"request":{}}`, func(err error) bool { var e *ticketing.InvalidTicketData; return errors.As(err, &e) }},
		{`<html>`, func(err error) bool { var e *ticketing.InvalidTicketData; return errors.As(err, &e) }},
	}
	for _, tt := range tests {
		err := decode([]byte(tt.body), nil, "getting request 42", "42")
		if !tt.check(err) {
			t.Errorf("decode(%s) = %v, want its typed error", tt.body, err)
		}
	}
}

func TestUDFValueFormats(t *testing.T) {
	tests := []struct {
		raw    string
		want   string
		wantOK bool
	}{
		{`"jane.doe"`, "jane.doe", true},
		{`12`, "12", true},
		{`true`, "true", true},
		{`null`, "", false},
		{`{"value":"jane.doe","display_value":"Jane Doe"}`, "jane.doe", true},
		{`{"display_value":"Dec 31, 2026","value":"1798675200000"}`, "1798675200000", true},
		{`{"name":"Finance","id":"1236"}`, "Finance", true},
		{`{}`, "", false},
	}
	for _, tt := range tests {
		got, ok := udfValue(json.RawMessage(tt.raw))
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("udfValue(%s) = %q, %v, want %q, %v", tt.raw, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestParseSharedRequest(t *testing.T) {
	path := filepath.Join(testenv.SharedDir(t, "../../.."), "samples", "servicedeskplus", "sdp-v3-request-created.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseRequest(data, "")
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ name, got, want string }{
		{"ID", got.ID, "123456789"},
		{"Key", got.Key, "102"},
		{"Subject", got.Subject, "Create request test"},
		{"Description", got.Description, "The description of the request"},
		{"Status", got.Status, "On Hold"},
		{"Requester", got.Requester, "Requester Test"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if want := time.UnixMilli(1593000300533).UTC(); !got.CreatedAt.Equal(want) {
		t.Errorf("CreatedAt = %v, want %v", got.CreatedAt, want)
	}
}

func TestParseRequestRejectsBadInput(t *testing.T) {
	for _, in := range []string{``, `{`, `{}`, `{"request":{"subject":"no id"}}`,
		`{"request":{"id":"1"},"response_status":{"status_code":4000,"status":"failed"}}`} {
		if _, err := ParseRequest([]byte(in), ""); err == nil {
			t.Errorf("ParseRequest(%q) = nil error, want one", in)
		}
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	tests := []Options{
		{BaseURL: "sdp.example.com", OAuthToken: "t"},
		{BaseURL: "https://sdp.example.com"},
		{BaseURL: "https://sdp.example.com", OAuthToken: "t", AuthToken: "k"},
	}
	for _, opts := range tests {
		if _, err := New(opts); err == nil {
			t.Errorf("New(%+v) = nil error, want one", opts)
		}
	}
}
