// Package storetest is the contract test suite every approvals.Store implementation passes:
// the same conditional semantics (first decision wins, expiry, single-use form tokens) on
// SQLite and on DynamoDB.
package storetest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secamo/orchestrator/approvals"
)

// Base is the creation time of the records the suite writes.
var Base = time.Date(2026, 12, 4, 9, 0, 0, 123456789, time.UTC)

// LongToken returns a task token of n characters that contains +, / and =, like real Step
// Functions tokens.
func LongToken(n int) string {
	const alphabet = "AAAAQKbR+/xyz0123456789abcdefghij=="
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(alphabet)
	}
	return b.String()[:n]
}

// NewRecord returns a pending record for tests, expiring 4 hours after Base.
func NewRecord() approvals.Record {
	return approvals.Record{
		ID:        approvals.NewID(),
		Tenant:    "acme",
		Execution: "arn:aws:states:eu-west-1:123456789012:execution:offboarding:ticket-42",
		TaskToken: LongToken(2048),
		Level:     1,
		Approvers: []string{"it-manager@acme.example", "cio@acme.example"},
		Requester: "hr@acme.example",
		Action:    "Disable the account of jan.peeters@acme.example and remove 12 groups and 2 licences",
		Reason:    "Offboarding requested in ticket 42",
		TicketURL: "https://acme.example/tickets/42",
		CreatedAt: Base,
		ExpiresAt: Base.Add(4 * time.Hour),
		Status:    approvals.StatusPending,
	}
}

// Run runs the contract suite; open returns a new, empty store for each subtest.
func Run(t *testing.T, open func(t *testing.T) approvals.Store) {
	tests := []struct {
		name string
		run  func(t *testing.T, s approvals.Store)
	}{
		{"create and get round-trip", testRoundTrip},
		{"create existing id", testCreateExisting},
		{"get missing", testGetMissing},
		{"first decision wins", testFirstDecisionWins},
		{"concurrent decisions", testConcurrentDecisions},
		{"decision after expiry", testDecisionAfterExpiry},
		{"decision on missing record", testDecideMissing},
		{"form token single use", testFormTokenSingleUse},
		{"expire pending records", testExpire},
		{"undelivered decisions", testUndelivered},
		{"earliest pending expiry", testEarliestPendingExpiry},
		{"audit log order", testAudit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, open(t)) })
	}
}

func create(t *testing.T, s approvals.Store, r approvals.Record) {
	t.Helper()
	if err := s.Create(context.Background(), r); err != nil {
		t.Fatalf("Create: %v", err)
	}
}

func decision(d approvals.Decision, who string, at time.Time) approvals.DecisionInput {
	return approvals.DecisionInput{Decision: d, Approver: who, Comment: "ok for " + who, Via: approvals.ViaLink, At: at}
}

func testRoundTrip(t *testing.T, s approvals.Store) {
	want := NewRecord()
	create(t, s, want)
	got, err := s.Get(context.Background(), want.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.TaskToken != want.TaskToken {
		t.Errorf("task token changed in the store: got %d characters, want %d unchanged", len(got.TaskToken), len(want.TaskToken))
	}
	if !got.CreatedAt.Equal(want.CreatedAt) || !got.ExpiresAt.Equal(want.ExpiresAt) {
		t.Errorf("times = %v, %v, want %v, %v", got.CreatedAt, got.ExpiresAt, want.CreatedAt, want.ExpiresAt)
	}
	got.CreatedAt, got.ExpiresAt = want.CreatedAt, want.ExpiresAt
	if strings.Join(got.Approvers, ",") != strings.Join(want.Approvers, ",") {
		t.Errorf("approvers = %v, want %v", got.Approvers, want.Approvers)
	}
	got.Approvers = want.Approvers
	if got.ID != want.ID || got.Tenant != want.Tenant || got.Execution != want.Execution || got.Level != want.Level ||
		got.Requester != want.Requester || got.Action != want.Action || got.Reason != want.Reason ||
		got.TicketURL != want.TicketURL || got.Status != want.Status {
		t.Errorf("Get = %+v\nwant %+v", got, want)
	}
}

func testCreateExisting(t *testing.T, s approvals.Store) {
	r := NewRecord()
	create(t, s, r)
	if err := s.Create(context.Background(), r); !errors.Is(err, approvals.ErrExists) {
		t.Fatalf("second Create = %v, want ErrExists", err)
	}
}

func testGetMissing(t *testing.T, s approvals.Store) {
	if _, err := s.Get(context.Background(), approvals.NewID()); !errors.Is(err, approvals.ErrNotFound) {
		t.Fatalf("Get = %v, want ErrNotFound", err)
	}
}

func testFirstDecisionWins(t *testing.T, s approvals.Store) {
	ctx := context.Background()
	r := NewRecord()
	create(t, s, r)
	at := Base.Add(time.Hour)
	got, err := s.Decide(ctx, r.ID, decision(approvals.Approve, "it-manager@acme.example", at))
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != approvals.StatusApproved || got.DecidedBy != "it-manager@acme.example" || !got.DecidedAt.Equal(at) ||
		got.Comment != "ok for it-manager@acme.example" || got.DecidedVia != approvals.ViaLink {
		t.Errorf("Decide = %+v, want approved by it-manager at %v", got, at)
	}
	if got.TaskToken != r.TaskToken {
		t.Errorf("Decide returned a different task token")
	}

	_, err = s.Decide(ctx, r.ID, decision(approvals.Reject, "cio@acme.example", at.Add(time.Minute)))
	var already *approvals.AlreadyDecidedError
	if !errors.As(err, &already) {
		t.Fatalf("second Decide = %v, want *AlreadyDecidedError", err)
	}
	if already.Record.DecidedBy != "it-manager@acme.example" || !already.Record.DecidedAt.Equal(at) {
		t.Errorf("AlreadyDecidedError names %s at %v, want it-manager at %v", already.Record.DecidedBy, already.Record.DecidedAt, at)
	}
	stored, err := s.Get(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Status != approvals.StatusApproved {
		t.Errorf("status after second decision = %s, want approved", stored.Status)
	}
}

func testConcurrentDecisions(t *testing.T, s approvals.Store) {
	r := NewRecord()
	create(t, s, r)
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			who := r.Approvers[i%2]
			_, errs[i] = s.Decide(context.Background(), r.ID, decision(approvals.Approve, who, Base.Add(time.Minute)))
		})
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		var already *approvals.AlreadyDecidedError
		switch {
		case err == nil:
			wins++
		case errors.As(err, &already):
		default:
			t.Errorf("Decide = %v, want nil or *AlreadyDecidedError", err)
		}
	}
	if wins != 1 {
		t.Errorf("%d of %d concurrent decisions succeeded, want exactly 1", wins, n)
	}
}

func testDecisionAfterExpiry(t *testing.T, s approvals.Store) {
	r := NewRecord()
	create(t, s, r)
	_, err := s.Decide(context.Background(), r.ID, decision(approvals.Approve, r.Approvers[0], r.ExpiresAt))
	var expired *approvals.ExpiredError
	if !errors.As(err, &expired) {
		t.Fatalf("Decide at the expiry = %v, want *ExpiredError", err)
	}
	got, err := s.Get(context.Background(), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != approvals.StatusPending {
		t.Errorf("status = %s, want pending: a late decision must change nothing", got.Status)
	}
}

func testDecideMissing(t *testing.T, s approvals.Store) {
	_, err := s.Decide(context.Background(), approvals.NewID(), decision(approvals.Approve, "x@acme.example", Base))
	if !errors.Is(err, approvals.ErrNotFound) {
		t.Fatalf("Decide = %v, want ErrNotFound", err)
	}
}

func testFormTokenSingleUse(t *testing.T, s approvals.Store) {
	ctx := context.Background()
	r := NewRecord()
	create(t, s, r)
	if err := s.UseFormToken(ctx, r.ID, "nonce-1", Base); err != nil {
		t.Fatalf("first use: %v", err)
	}
	if err := s.UseFormToken(ctx, r.ID, "nonce-1", Base); !errors.Is(err, approvals.ErrFormTokenUsed) {
		t.Fatalf("second use = %v, want ErrFormTokenUsed", err)
	}
	if err := s.UseFormToken(ctx, r.ID, "nonce-2", Base); err != nil {
		t.Fatalf("other nonce: %v", err)
	}
}

func testExpire(t *testing.T, s approvals.Store) {
	ctx := context.Background()
	due, later, decided := NewRecord(), NewRecord(), NewRecord()
	later.ExpiresAt = Base.Add(48 * time.Hour)
	for _, r := range []approvals.Record{due, later, decided} {
		create(t, s, r)
	}
	if _, err := s.Decide(ctx, decided.ID, decision(approvals.Reject, decided.Approvers[0], Base.Add(time.Minute))); err != nil {
		t.Fatal(err)
	}
	got, err := s.Expire(ctx, Base.Add(5*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	// Other records in a shared table may expire too; only these three are checked.
	found := ids(got)
	if !found[due.ID] || found[later.ID] || found[decided.ID] {
		t.Fatalf("Expire returned %v, want %s and neither %s nor %s", found, due.ID, later.ID, decided.ID)
	}
	for _, r := range got {
		if r.Status != approvals.StatusExpired {
			t.Errorf("Expire returned %s with status %s, want expired", r.ID, r.Status)
		}
	}
	for id, want := range map[string]approvals.Status{
		due.ID: approvals.StatusExpired, later.ID: approvals.StatusPending, decided.ID: approvals.StatusRejected,
	} {
		r, err := s.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != want {
			t.Errorf("status of %s = %s, want %s", id, r.Status, want)
		}
	}
	_, err = s.Decide(ctx, due.ID, decision(approvals.Approve, due.Approvers[0], Base.Add(time.Hour)))
	var expired *approvals.ExpiredError
	if !errors.As(err, &expired) {
		t.Errorf("Decide on an expired record = %v, want *ExpiredError", err)
	}
}

func testUndelivered(t *testing.T, s approvals.Store) {
	ctx := context.Background()
	a, b, pending := NewRecord(), NewRecord(), NewRecord()
	for _, r := range []approvals.Record{a, b, pending} {
		create(t, s, r)
	}
	for _, r := range []approvals.Record{a, b} {
		if _, err := s.Decide(ctx, r.ID, decision(approvals.Approve, r.Approvers[0], Base.Add(time.Minute))); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.MarkDelivered(ctx, a.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	got, err := s.Undelivered(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if found := ids(got); !found[b.ID] || found[a.ID] || found[pending.ID] {
		t.Fatalf("Undelivered returned %v, want %s and neither %s nor %s", found, b.ID, a.ID, pending.ID)
	}
	if err := s.MarkDelivered(ctx, b.ID, false, approvals.TaskTimedOut); err != nil {
		t.Fatal(err)
	}
	if got, err = s.Undelivered(ctx); err != nil || ids(got)[b.ID] {
		t.Fatalf("Undelivered after a final failure = %v, %v, want it without %s", ids(got), err, b.ID)
	}
	r, err := s.Get(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Delivered || r.DeliveryError != approvals.TaskTimedOut {
		t.Errorf("delivery = %v, %q, want false, TaskTimedOut", r.Delivered, r.DeliveryError)
	}
	if err := s.MarkDelivered(ctx, approvals.NewID(), true, ""); !errors.Is(err, approvals.ErrNotFound) {
		t.Errorf("MarkDelivered on a missing record = %v, want ErrNotFound", err)
	}
}

func testAudit(t *testing.T, s approvals.Store) {
	ctx := context.Background()
	id := approvals.NewID()
	outcomes := []string{"viewed", "viewed", "approved", "already-decided"}
	for i, o := range outcomes {
		e := approvals.AuditEvent{ApprovalID: id, Tenant: "acme", At: Base.Add(time.Duration(i) * time.Second),
			Method: "GET", Approver: "it-manager@acme.example", Outcome: o, RemoteIP: "192.0.2.1", UserAgent: "test"}
		if err := s.AppendAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AppendAudit(ctx, approvals.AuditEvent{ApprovalID: approvals.NewID(), Tenant: "acme", At: Base, Method: "HEAD", Outcome: "viewed"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Audit(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(outcomes) {
		t.Fatalf("Audit returned %d events, want %d", len(got), len(outcomes))
	}
	for i, e := range got {
		if e.Outcome != outcomes[i] || !e.At.Equal(Base.Add(time.Duration(i)*time.Second)) || e.RemoteIP != "192.0.2.1" {
			t.Errorf("event %d = %+v, want outcome %s at +%ds", i, e, outcomes[i], i)
		}
	}
}

func ids(recs []approvals.Record) map[string]bool {
	m := map[string]bool{}
	for _, r := range recs {
		m[r.ID] = true
	}
	return m
}

func testEarliestPendingExpiry(t *testing.T, s approvals.Store) {
	ctx := context.Background()
	first, second := NewRecord(), NewRecord()
	// Odd times, so that no record of another test in a shared table expires at the same time.
	first.ExpiresAt = Base.Add(-3*time.Hour - 17*time.Second)
	second.ExpiresAt = Base.Add(-2*time.Hour - 23*time.Second)
	create(t, s, first)
	create(t, s, second)
	// Other records in a shared table may expire earlier; none of these two can be missed.
	earliest, ok, err := s.EarliestPendingExpiry(ctx)
	if err != nil || !ok || earliest.After(first.ExpiresAt) {
		t.Fatalf("EarliestPendingExpiry = %v, %v, %v; want %v at the latest", earliest, ok, err, first.ExpiresAt)
	}
	if _, err := s.Expire(ctx, first.ExpiresAt); err != nil {
		t.Fatal(err)
	}
	earliest, ok, err = s.EarliestPendingExpiry(ctx)
	if err != nil || !ok || earliest.After(second.ExpiresAt) || earliest.Equal(first.ExpiresAt) {
		t.Fatalf("after the first one expired: EarliestPendingExpiry = %v, %v, %v; want %v at the latest, and no longer %v",
			earliest, ok, err, second.ExpiresAt, first.ExpiresAt)
	}
}
