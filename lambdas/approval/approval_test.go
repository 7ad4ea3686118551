package approval_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secamo/orchestrator/approvals"
	"github.com/secamo/orchestrator/approvals/notify"
	"github.com/secamo/orchestrator/approvals/sqlitestore"
	"github.com/secamo/orchestrator/approvals/storetest"
	"github.com/secamo/orchestrator/lambdas"
	"github.com/secamo/orchestrator/lambdas/approval"
	"github.com/secamo/orchestrator/secrets"
	"github.com/secamo/orchestrator/tenants"
)

type fixedClock struct{ now time.Time }

func (c *fixedClock) Now() time.Time { return c.now }

const signingKey = "acme-signing-key-0123456789abcdef0123456789"

func acme(teamsURL string) *tenants.Config {
	cfg := &tenants.Config{
		Name: "acme", Locale: "nl", Timezone: "Europe/Brussels",
		Approvals: tenants.Approvals{
			Levels: []tenants.ApprovalLevel{
				{Approvers: []string{"it-manager@acme.example", "hr@acme.example"}, Timeout: tenants.Duration(4 * time.Hour)},
				{Approvers: []string{"cio@acme.example"}, Timeout: tenants.Duration(20 * time.Hour)},
			},
			SigningKey: "env:ACME_SIGNING_KEY",
			BaseURL:    "https://approvals.acme.example",
			From:       "orchestrator@acme.example",
		},
	}
	if teamsURL != "" {
		cfg.Approvals.TeamsWebhook = "env:ACME_TEAMS_WEBHOOK"
	}
	return cfg
}

type fixture struct {
	handler *approval.Handler
	store   *sqlitestore.Store
	outbox  string
	clock   *fixedClock
}

func newFixture(t *testing.T, cfg *tenants.Config, teamsURL string) *fixture {
	t.Helper()
	store, err := sqlitestore.Open(t.Context(), filepath.Join(t.TempDir(), "approvals.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	f := &fixture{store: store, outbox: filepath.Join(t.TempDir(), "outbox"), clock: &fixedClock{now: storetest.Base}}
	f.handler = &approval.Handler{
		Store:   store,
		Tenants: approvals.TenantMap{cfg.Name: cfg},
		Secrets: secrets.Static{"env:ACME_SIGNING_KEY": signingKey, "env:ACME_TEAMS_WEBHOOK": teamsURL},
		Email:   &notify.Outbox{Dir: f.outbox},
		Teams:   &notify.Teams{},
		Clock:   f.clock,
		Logger:  slog.New(slog.DiscardHandler),
	}
	return f
}

func input() approval.Input {
	return approval.Input{
		TaskToken: storetest.LongToken(2048),
		Tenant:    "acme",
		Execution: "arn:aws:states:eu-west-1:123456789012:execution:offboarding:ticket-42",
		Action:    "Disable the account of jan.peeters@acme.example and remove 12 groups and 2 licences",
		Reason:    "Offboarding ticket 42",
		TicketURL: "https://acme.example/tickets/42",
		Requester: "hr@acme.example",
	}
}

func TestHandleStoresRecordAndSendsMessages(t *testing.T) {
	var mu sync.Mutex
	var cards []notify.TeamsMessage
	teams := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m notify.TeamsMessage
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		cards = append(cards, m)
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	defer teams.Close()
	f := newFixture(t, acme(teams.URL), teams.URL)

	out, err := f.handler.Handle(t.Context(), input())
	if err != nil {
		t.Fatal(err)
	}
	wantExpiry := storetest.Base.Add(4 * time.Hour).Truncate(time.Second)
	if out.Level != 1 || out.LastLevel || !out.ExpiresAt.Equal(wantExpiry) {
		t.Errorf("Output = %+v, want level 1 of 2 expiring at %v", out, wantExpiry)
	}
	if strings.Join(out.Approvers, ",") != "it-manager@acme.example" {
		t.Errorf("approvers = %v, want the requester left out", out.Approvers)
	}
	if strings.Join(out.Notified, ",") != "email:it-manager@acme.example,teams" {
		t.Errorf("notified = %v", out.Notified)
	}

	rec, err := f.store.Get(t.Context(), out.ApprovalID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.TaskToken != input().TaskToken || rec.Status != approvals.StatusPending || rec.Requester != "hr@acme.example" || len(out.ApprovalID) != 32 {
		t.Errorf("stored record = %+v, want the pending request with the task token", rec)
	}

	files, _ := filepath.Glob(filepath.Join(f.outbox, "*.eml"))
	if len(files) != 1 {
		t.Fatalf("outbox holds %v, want one e-mail", files)
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), rec.TaskToken[:64]) {
		t.Errorf("e-mail contains the task token")
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if msg.Header.Get("To") != "it-manager@acme.example" {
		t.Errorf("To = %s", msg.Header.Get("To"))
	}
	if len(cards) != 1 || len(cards[0].Attachments[0].Content.Actions) != 1 {
		t.Errorf("Teams got %d cards, want one with one button", len(cards))
	}
}

func TestHandleEscalationLevels(t *testing.T) {
	f := newFixture(t, acme(""), "")
	in := input()
	in.Level = 2
	out, err := f.handler.Handle(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	if !out.LastLevel || out.Approvers[0] != "cio@acme.example" || !out.ExpiresAt.Equal(storetest.Base.Add(20*time.Hour).Truncate(time.Second)) {
		t.Errorf("level 2 = %+v, want the last level, cio, 20h", out)
	}

	in.Level = 3
	_, err = f.handler.Handle(t.Context(), in)
	var none *approval.NoApprovers
	if !errors.As(err, &none) || none.Level != 3 {
		t.Errorf("level 3 = %v, want *NoApprovers", err)
	}

	levels, err := f.handler.Levels(t.Context(), approval.LevelsInput{Tenant: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	if levels.Count != 2 || levels.Levels[0].TimeoutSeconds != 14400 || levels.Levels[1].Timeout != "20h0m0s" {
		t.Errorf("Levels = %+v, want 2 levels of 14400 s and 20h", levels)
	}
}

func TestHandleRejectsBadInput(t *testing.T) {
	f := newFixture(t, acme(""), "")
	tests := []struct {
		name  string
		edit  func(*approval.Input)
		field string
	}{
		{"no task token", func(in *approval.Input) { in.TaskToken = "" }, "taskToken"},
		{"unknown tenant", func(in *approval.Input) { in.Tenant = "globex" }, "tenant"},
		{"no action", func(in *approval.Input) { in.Action = " " }, "action"},
		{"no requester", func(in *approval.Input) { in.Requester = "" }, "requester"},
		{"bad approver", func(in *approval.Input) { in.Approvers = []string{"not an address"} }, "approvers[0]"},
		{"bad timeout", func(in *approval.Input) { in.Timeout = "four hours" }, "timeout"},
		{"negative level", func(in *approval.Input) { in.Level = -1 }, "level"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := input()
			tt.edit(&in)
			_, err := f.handler.Handle(t.Context(), in)
			var bad *approval.InvalidApprovalRequest
			if !errors.As(err, &bad) || bad.Field != tt.field {
				t.Errorf("Handle = %v, want *InvalidApprovalRequest for %s", err, tt.field)
			}
		})
	}
}

func TestHandleOnlyRequesterIsApprover(t *testing.T) {
	f := newFixture(t, acme(""), "")
	in := input()
	in.Approvers = []string{"HR@acme.example"}
	_, err := f.handler.Handle(t.Context(), in)
	var none *approval.NoApprovers
	if !errors.As(err, &none) || !none.OnlyRequester {
		t.Errorf("Handle = %v, want *NoApprovers naming the requester", err)
	}
}

type failingSender struct{}

func (failingSender) Send(ctx context.Context, e notify.Email) error {
	return errors.New("connection refused")
}

func TestHandleNothingSent(t *testing.T) {
	f := newFixture(t, acme(""), "")
	f.handler.Email = failingSender{}
	_, err := f.handler.Handle(t.Context(), input())
	var nf *approval.NotificationFailed
	if !errors.As(err, &nf) || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("Handle = %v, want *NotificationFailed with the cause", err)
	}
}

func TestRegisteredSteps(t *testing.T) {
	f := newFixture(t, acme(""), "")
	r := lambdas.Registry{}
	approval.Register(r, f.handler)
	h, err := r.Lookup(approval.StepName)
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(input())
	out, err := h(t.Context(), payload)
	if err != nil {
		t.Fatal(err)
	}
	var o approval.Output
	if err := json.Unmarshal(out, &o); err != nil || o.ApprovalID == "" {
		t.Errorf("output %s, want an approval id", out)
	}
	if _, err := r.Lookup(approval.LevelsStepName); err != nil {
		t.Error(err)
	}
}

type failingStore struct{}

func (failingStore) Create(ctx context.Context, r approvals.Record) error {
	return errors.New("database is locked")
}

func TestHandleStoreFailure(t *testing.T) {
	f := newFixture(t, acme(""), "")
	f.handler.Store = failingStore{}
	_, err := f.handler.Handle(t.Context(), input())
	var notStored *approval.ApprovalNotStored
	if !errors.As(err, &notStored) || !strings.Contains(err.Error(), "database is locked") {
		t.Errorf("Handle = %v, want *ApprovalNotStored with the cause", err)
	}
	if files, _ := filepath.Glob(filepath.Join(f.outbox, "*.eml")); len(files) != 0 {
		t.Errorf("e-mails were sent for an unstored approval: %v", files)
	}
}
