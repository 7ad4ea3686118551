// Package contract is the test table every ticketing adapter runs against its emulator, so
// the four systems are held to the same behaviour. The table covers get, idempotent create
// (also after a timed-out first attempt), public and internal comments, status changes,
// resolve and attach. It also checks the typed errors for expired credentials, throttling,
// missing tickets and rejected data.
package contract

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secamo/orchestrator/adapters/ticketing"
	"github.com/secamo/orchestrator/adapters/ticketing/internal/httpx"
	sandbox "github.com/secamo/orchestrator/sandbox/ticketing"
)

// Harness connects the table to one adapter and its emulator.
type Harness struct {
	Store  *sandbox.Store
	Faults *sandbox.Faults
	// NewSystem returns the adapter under test, talking to the emulator with the given clock
	// and maximum number of attempts.
	NewSystem func(t *testing.T, clock httpx.Clock, maxAttempts int) ticketing.System
	// Seed is a ticket in the vendor's vocabulary; WantSeeded is how the adapter must read it
	// (ID and CreatedAt are not compared).
	Seed       sandbox.Record
	WantSeeded ticketing.Ticket
	// MissingID is a well-formed id of a ticket that does not exist.
	MissingID string
	// CreatePath is part of the path of the create request, to aim the slow-response fault.
	CreatePath string
	// Status is a status SetStatus accepts, stored by the emulator as StoredStatus;
	// ResolvedStatus is what the emulator stores after Resolve.
	Status, StoredStatus, ResolvedStatus string
	// HasCorrelationKey reports whether the emulator's record carries the key.
	HasCorrelationKey func(rec sandbox.Record, key string) bool
	// FailureWithOK is true where the vendor reports failures in a 200 body.
	FailureWithOK bool
}

// Clock records waits instead of sleeping.
type Clock struct {
	mu    sync.Mutex
	waits []time.Duration
}

var _ httpx.Clock = (*Clock)(nil)

// Now returns a fixed time.
func (c *Clock) Now() time.Time { return time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC) }

// Sleep records d and returns at once.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	return ctx.Err()
}

// Waits returns the recorded waits.
func (c *Clock) Waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

// Run runs the table.
func Run(t *testing.T, h Harness) {
	ctx := context.Background()
	newSystem := func(t *testing.T) (ticketing.System, *Clock) {
		clock := &Clock{}
		return h.NewSystem(t, clock, 3), clock
	}
	seed := func(t *testing.T) sandbox.Record {
		t.Cleanup(h.Faults.Clear)
		return h.Store.Create(h.Seed)
	}
	withKey := func(key string) int {
		return len(h.Store.Find(func(rec sandbox.Record) bool { return h.HasCorrelationKey(rec, key) }))
	}
	newTicket := func(key string) ticketing.NewTicket {
		return ticketing.NewTicket{
			Subject: "Offboard Jane Doe", Description: "Leaver on 2026-12-31.\nDisable all access.",
			Requester: "hr@example.com", Priority: "high", CorrelationKey: key,
		}
	}

	t.Run("get", func(t *testing.T) {
		rec := seed(t)
		sys, _ := newSystem(t)
		got, err := sys.GetTicket(ctx, rec.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := h.WantSeeded
		if got.ID != rec.ID {
			t.Errorf("ID = %q, want %q", got.ID, rec.ID)
		}
		if want.Key == "" {
			want.Key = rec.Key
		}
		if got.Key != want.Key {
			t.Errorf("Key = %q, want %q", got.Key, want.Key)
		}
		if got.Subject != want.Subject {
			t.Errorf("Subject = %q, want %q", got.Subject, want.Subject)
		}
		if strings.TrimSpace(got.Description) != want.Description {
			t.Errorf("Description = %q, want %q", got.Description, want.Description)
		}
		if got.Status != want.Status {
			t.Errorf("Status = %q, want %q", got.Status, want.Status)
		}
		if got.Requester != want.Requester {
			t.Errorf("Requester = %q, want %q", got.Requester, want.Requester)
		}
		for name, value := range want.Fields {
			if got.Fields[name] != value {
				t.Errorf("Fields[%q] = %q, want %q", name, got.Fields[name], value)
			}
		}
		if got.CreatedAt.IsZero() {
			t.Error("CreatedAt is zero")
		}
	})

	t.Run("get missing ticket", func(t *testing.T) {
		sys, _ := newSystem(t)
		_, err := sys.GetTicket(ctx, h.MissingID)
		var notFound *ticketing.TicketNotFound
		if !errors.As(err, &notFound) {
			t.Fatalf("GetTicket = %v, want TicketNotFound", err)
		}
		if notFound.ID != h.MissingID {
			t.Errorf("TicketNotFound.ID = %q, want %q", notFound.ID, h.MissingID)
		}
	})

	t.Run("create", func(t *testing.T) {
		sys, _ := newSystem(t)
		created, err := sys.CreateTicket(ctx, newTicket("create-1"))
		if err != nil {
			t.Fatal(err)
		}
		if created.ID == "" || created.Subject != "Offboard Jane Doe" {
			t.Errorf("CreateTicket = %+v, want an id and the subject", created)
		}
		if n := withKey("create-1"); n != 1 {
			t.Errorf("tickets with the correlation key = %d, want 1", n)
		}
		got, err := sys.GetTicket(ctx, created.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Subject != "Offboard Jane Doe" || got.Requester != "hr@example.com" {
			t.Errorf("GetTicket after create = %+v, want the subject and requester sent", got)
		}
		if !strings.Contains(got.Description, "Disable all access.") {
			t.Errorf("Description = %q, want the text sent", got.Description)
		}
	})

	t.Run("create twice finds first", func(t *testing.T) {
		sys, _ := newSystem(t)
		first, err := sys.CreateTicket(ctx, newTicket("create-2"))
		if err != nil {
			t.Fatal(err)
		}
		second, err := sys.CreateTicket(ctx, newTicket("create-2"))
		if err != nil {
			t.Fatal(err)
		}
		if second.ID != first.ID {
			t.Errorf("second create returned %q, want the first ticket %q", second.ID, first.ID)
		}
		if n := withKey("create-2"); n != 1 {
			t.Errorf("tickets with the correlation key = %d, want 1", n)
		}
	})

	t.Run("create retried after timeout", func(t *testing.T) {
		t.Cleanup(h.Faults.Clear)
		sys, _ := newSystem(t)
		h.Faults.Inject(sandbox.Fault{Kind: sandbox.SlowResponse, Method: "POST", PathContains: h.CreatePath})
		short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		_, err := sys.CreateTicket(short, newTicket("create-3"))
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("first CreateTicket = %v, want a deadline error", err)
		}
		retried, err := sys.CreateTicket(ctx, newTicket("create-3"))
		if err != nil {
			t.Fatal(err)
		}
		stored := h.Store.Find(func(rec sandbox.Record) bool { return h.HasCorrelationKey(rec, "create-3") })
		if len(stored) != 1 {
			t.Fatalf("tickets with the correlation key = %d, want 1", len(stored))
		}
		if retried.ID != stored[0].ID {
			t.Errorf("retried create returned %q, want the ticket of the first attempt %q", retried.ID, stored[0].ID)
		}
	})

	for _, v := range []ticketing.Visibility{ticketing.Public, ticketing.Internal} {
		t.Run("comment "+string(v), func(t *testing.T) {
			rec := seed(t)
			sys, _ := newSystem(t)
			body := "Account disabled (" + string(v) + ")."
			if err := sys.Comment(ctx, rec.ID, body, v); err != nil {
				t.Fatal(err)
			}
			comments := h.Store.Comments(rec.ID)
			if len(comments) != 1 {
				t.Fatalf("comments = %+v, want one", comments)
			}
			if !strings.Contains(comments[0].Body, body) {
				t.Errorf("comment body = %q, want %q", comments[0].Body, body)
			}
			if comments[0].Public != (v == ticketing.Public) {
				t.Errorf("comment public = %v, want %v", comments[0].Public, v == ticketing.Public)
			}
		})
	}

	t.Run("comment with unknown visibility", func(t *testing.T) {
		rec := seed(t)
		sys, _ := newSystem(t)
		err := sys.Comment(ctx, rec.ID, "x", "secret")
		var invalid *ticketing.InvalidTicketData
		if !errors.As(err, &invalid) {
			t.Fatalf("Comment = %v, want InvalidTicketData", err)
		}
	})

	t.Run("set status", func(t *testing.T) {
		rec := seed(t)
		sys, _ := newSystem(t)
		if err := sys.SetStatus(ctx, rec.ID, h.Status); err != nil {
			t.Fatal(err)
		}
		if got := h.Store.Status(rec.ID); got != h.StoredStatus {
			t.Errorf("stored status = %q, want %q", got, h.StoredStatus)
		}
	})

	t.Run("set unknown status", func(t *testing.T) {
		rec := seed(t)
		sys, _ := newSystem(t)
		err := sys.SetStatus(ctx, rec.ID, "Teleported")
		var invalid *ticketing.InvalidTicketData
		if !errors.As(err, &invalid) {
			t.Fatalf("SetStatus = %v, want InvalidTicketData", err)
		}
	})

	t.Run("resolve with note", func(t *testing.T) {
		rec := seed(t)
		sys, _ := newSystem(t)
		if err := sys.Resolve(ctx, rec.ID, "Offboarding verified."); err != nil {
			t.Fatal(err)
		}
		stored, _ := h.Store.Get(rec.ID)
		if stored.Status != h.ResolvedStatus {
			t.Errorf("stored status = %q, want %q", stored.Status, h.ResolvedStatus)
		}
		noted := strings.Contains(stored.Resolution, "Offboarding verified.")
		for _, c := range stored.Comments {
			noted = noted || strings.Contains(c.Body, "Offboarding verified.")
		}
		if !noted {
			t.Errorf("resolution note not stored: resolution %q, comments %+v", stored.Resolution, stored.Comments)
		}
	})

	t.Run("attach", func(t *testing.T) {
		rec := seed(t)
		sys, _ := newSystem(t)
		content := []byte("user,action\njane.doe,disabled\n")
		if err := sys.Attach(ctx, rec.ID, "evidence.csv", content); err != nil {
			t.Fatal(err)
		}
		stored, _ := h.Store.Get(rec.ID)
		if len(stored.Attachments) != 1 {
			t.Fatalf("attachments = %d, want 1", len(stored.Attachments))
		}
		if stored.Attachments[0].Name != "evidence.csv" {
			t.Errorf("attachment name = %q, want evidence.csv", stored.Attachments[0].Name)
		}
		if string(stored.Attachments[0].Content) != string(content) {
			t.Errorf("attachment content = %q, want %q", stored.Attachments[0].Content, content)
		}
	})

	runErrorCases(t, h, seed, newSystem)
}
