package contract

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/secamo/orchestrator/adapters/ticketing"
	sandbox "github.com/secamo/orchestrator/sandbox/ticketing"
)

func runErrorCases(t *testing.T, h Harness, seed func(*testing.T) sandbox.Record, newSystem func(*testing.T) (ticketing.System, *Clock)) {
	ctx := context.Background()

	t.Run("expired credentials", func(t *testing.T) {
		rec := seed(t)
		sys, _ := newSystem(t)
		h.Faults.Inject(sandbox.Fault{Kind: sandbox.ExpiredCredentials})
		_, err := sys.GetTicket(ctx, rec.ID)
		var denied *ticketing.PermissionDenied
		if !errors.As(err, &denied) {
			t.Fatalf("GetTicket = %v, want PermissionDenied", err)
		}
	})

	t.Run("throttled then success", func(t *testing.T) {
		rec := seed(t)
		sys, clock := newSystem(t)
		h.Faults.Inject(sandbox.Fault{Kind: sandbox.Throttle, RetryAfter: "2.128"})
		if _, err := sys.GetTicket(ctx, rec.ID); err != nil {
			t.Fatalf("GetTicket = %v, want success after one retry", err)
		}
		waits := clock.Waits()
		if len(waits) != 1 || waits[0] != 2128*time.Millisecond {
			t.Errorf("waits = %v, want [2.128s]", waits)
		}
	})

	t.Run("throttled beyond cap", func(t *testing.T) {
		rec := seed(t)
		sys, clock := newSystem(t)
		h.Faults.Inject(sandbox.Fault{Kind: sandbox.Throttle, RetryAfter: "1", Times: 10})
		_, err := sys.GetTicket(ctx, rec.ID)
		var throttled *ticketing.Throttled
		if !errors.As(err, &throttled) {
			t.Fatalf("GetTicket = %v, want Throttled", err)
		}
		if n := len(clock.Waits()); n != 2 {
			t.Errorf("waits = %d, want 2 (three attempts)", n)
		}
	})

	t.Run("missing ticket", func(t *testing.T) {
		rec := seed(t)
		sys, _ := newSystem(t)
		h.Faults.Inject(sandbox.Fault{Kind: sandbox.MissingTicket})
		err := sys.Comment(ctx, rec.ID, "x", ticketing.Internal)
		var notFound *ticketing.TicketNotFound
		if !errors.As(err, &notFound) {
			t.Fatalf("Comment = %v, want TicketNotFound", err)
		}
		if notFound.ID != rec.ID {
			t.Errorf("TicketNotFound.ID = %q, want %q", notFound.ID, rec.ID)
		}
	})

	t.Run("rejected data", func(t *testing.T) {
		rec := seed(t)
		sys, _ := newSystem(t)
		h.Faults.Inject(sandbox.Fault{Kind: sandbox.Rejected})
		err := sys.Comment(ctx, rec.ID, "x", ticketing.Internal)
		var invalid *ticketing.InvalidTicketData
		if !errors.As(err, &invalid) {
			t.Fatalf("Comment = %v, want InvalidTicketData", err)
		}
		if invalid.Detail == "" {
			t.Error("InvalidTicketData.Detail is empty, want the vendor's message")
		}
	})

	t.Run("failure with HTTP 200", func(t *testing.T) {
		if !h.FailureWithOK {
			t.Skip("this system reports failures with an error status")
		}
		rec := seed(t)
		sys, _ := newSystem(t)
		h.Faults.Inject(sandbox.Fault{Kind: sandbox.FailureWithOK})
		_, err := sys.GetTicket(ctx, rec.ID)
		var invalid *ticketing.InvalidTicketData
		if !errors.As(err, &invalid) {
			t.Fatalf("GetTicket = %v, want InvalidTicketData", err)
		}
	})

	t.Run("bad new ticket", func(t *testing.T) {
		sys, _ := newSystem(t)
		tests := []ticketing.NewTicket{
			{Subject: "", Requester: "hr@example.com"},
			{Subject: "x", Requester: "hr@example.com", Priority: "whenever"},
		}
		for _, nt := range tests {
			_, err := sys.CreateTicket(ctx, nt)
			var invalid *ticketing.InvalidTicketData
			if !errors.As(err, &invalid) {
				t.Errorf("CreateTicket(%+v) = %v, want InvalidTicketData", nt, err)
			}
		}
	})
}
