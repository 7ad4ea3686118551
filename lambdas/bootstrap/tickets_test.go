package main

import (
	"context"
	"errors"
	"testing"

	"github.com/secamo/orchestrator/adapters/ticketing"
)

// recordingTickets is a ticketing system that records the ids it was called with.
type recordingTickets struct{ calls []string }

func (r *recordingTickets) GetTicket(_ context.Context, id string) (*ticketing.Ticket, error) {
	r.calls = append(r.calls, "get "+id)
	return &ticketing.Ticket{ID: id}, nil
}
func (r *recordingTickets) CreateTicket(context.Context, ticketing.NewTicket) (*ticketing.Ticket, error) {
	return nil, errors.New("not used")
}
func (r *recordingTickets) Comment(_ context.Context, id, _ string, _ ticketing.Visibility) error {
	r.calls = append(r.calls, "comment "+id)
	return nil
}
func (r *recordingTickets) SetStatus(context.Context, string, string) error { return nil }
func (r *recordingTickets) Resolve(_ context.Context, id, _ string) error {
	r.calls = append(r.calls, "resolve "+id)
	return nil
}
func (r *recordingTickets) Attach(context.Context, string, string, []byte) error { return nil }

func TestLazyTicketsBuildsOnce(t *testing.T) {
	sys := &recordingTickets{}
	builds := 0
	l := &lazyTickets{build: func(context.Context) (ticketing.System, error) {
		builds++
		return sys, nil
	}}
	ctx := context.Background()
	if _, err := l.GetTicket(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	if err := l.Comment(ctx, "1", "body", ticketing.Public); err != nil {
		t.Fatal(err)
	}
	if err := l.Resolve(ctx, "1", "note"); err != nil {
		t.Fatal(err)
	}
	if builds != 1 {
		t.Errorf("built %d times, want 1", builds)
	}
	if len(sys.calls) != 3 {
		t.Errorf("calls = %v, want get, comment and resolve", sys.calls)
	}
}

func TestLazyTicketsKeepsBuildError(t *testing.T) {
	cause := errors.New("ticketing.credentials: cannot resolve the secret")
	builds := 0
	l := &lazyTickets{build: func(context.Context) (ticketing.System, error) {
		builds++
		return nil, cause
	}}
	ctx := context.Background()
	for range 2 {
		if err := l.Comment(ctx, "1", "body", ticketing.Public); !errors.Is(err, cause) {
			t.Errorf("Comment error = %v, want the build error", err)
		}
	}
	if builds != 1 {
		t.Errorf("built %d times, want 1", builds)
	}
}
