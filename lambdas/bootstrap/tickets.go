package main

import (
	"context"
	"sync"

	"github.com/secamo/orchestrator/adapters/ticketing"
	"github.com/secamo/orchestrator/lambdas/offboarding"
)

// lazyTickets builds the ticketing adapter on its first use and keeps it, or keeps the error,
// for the life of the process. Building it resolves the credentials, so a step that never
// touches the ticket (DeactivateAccessKeys, say) does not fail on a secret it does not need.
type lazyTickets struct {
	build func(ctx context.Context) (ticketing.System, error)

	once   sync.Once
	system ticketing.System
	err    error
}

var _ offboarding.Tickets = (*lazyTickets)(nil)

func (l *lazyTickets) get(ctx context.Context) (ticketing.System, error) {
	l.once.Do(func() { l.system, l.err = l.build(ctx) })
	return l.system, l.err
}

// GetTicket builds the adapter if needed and reads the ticket.
func (l *lazyTickets) GetTicket(ctx context.Context, id string) (*ticketing.Ticket, error) {
	sys, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return sys.GetTicket(ctx, id)
}

// Comment builds the adapter if needed and posts the comment.
func (l *lazyTickets) Comment(ctx context.Context, id, body string, v ticketing.Visibility) error {
	sys, err := l.get(ctx)
	if err != nil {
		return err
	}
	return sys.Comment(ctx, id, body, v)
}

// Resolve builds the adapter if needed and resolves the ticket.
func (l *lazyTickets) Resolve(ctx context.Context, id, note string) error {
	sys, err := l.get(ctx)
	if err != nil {
		return err
	}
	return sys.Resolve(ctx, id, note)
}

// CreateTicket builds the adapter if needed and creates the ticket, or finds the one its
// correlation key already names.
func (l *lazyTickets) CreateTicket(ctx context.Context, t ticketing.NewTicket) (*ticketing.Ticket, error) {
	sys, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return sys.CreateTicket(ctx, t)
}
