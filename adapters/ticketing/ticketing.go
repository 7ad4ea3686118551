// Package ticketing holds what the ticketing adapters share: the normalised ticket, the
// operations workflows call, and the typed errors state machines catch by name
// (TicketNotFound, PermissionDenied, Throttled, InvalidTicketData). Each system's client is
// in a subpackage (servicedeskplus, jira, servicenow, freshdesk).
package ticketing

import (
	"context"
	"fmt"
	"time"
)

// Ticket is a ticket normalised across systems.
type Ticket struct {
	// ID is the system's identifier (an 18-digit string in ServiceDesk Plus, a sys_id in
	// ServiceNow, a number in Freshdesk, the numeric id in Jira).
	ID string `json:"id"`
	// Key is the human-facing reference (ACME-123, INC0010001, #42).
	Key         string `json:"key"`
	URL         string `json:"url"`
	Subject     string `json:"subject"`
	Description string `json:"description"` // plain text
	Status      string `json:"status"`
	Requester   string `json:"requester"` // e-mail address where the system has one
	// Fields holds custom fields by the system's field name, values as plain strings.
	Fields    map[string]string `json:"fields,omitempty"`
	CreatedAt time.Time         `json:"createdAt,omitzero"`
}

// NewTicket is what CreateTicket needs.
type NewTicket struct {
	Subject     string
	Description string
	Requester   string
	Priority    string // low, medium, high, urgent
	// CorrelationKey is stored on the ticket so a retried create finds the ticket it already
	// made instead of opening a second one.
	CorrelationKey string
	Fields         map[string]string
}

// Visibility of a comment.
type Visibility string

// Comment visibilities.
const (
	Public   Visibility = "public"
	Internal Visibility = "internal"
)

// System is the set of operations workflows use; each adapter implements it.
type System interface {
	GetTicket(ctx context.Context, id string) (*Ticket, error)
	CreateTicket(ctx context.Context, t NewTicket) (*Ticket, error)
	Comment(ctx context.Context, id, body string, v Visibility) error
	SetStatus(ctx context.Context, id, status string) error
	Resolve(ctx context.Context, id, note string) error
	Attach(ctx context.Context, id, filename string, content []byte) error
}

// TicketNotFound is returned when the ticket does not exist.
type TicketNotFound struct{ ID string }

func (e *TicketNotFound) Error() string { return fmt.Sprintf("ticket %q not found", e.ID) }

// PermissionDenied is returned for rejected or expired credentials or a missing permission.
type PermissionDenied struct {
	Operation string
	Detail    string
}

func (e *PermissionDenied) Error() string {
	return fmt.Sprintf("permission denied for %s: %s", e.Operation, e.Detail)
}

// Throttled is returned when the system still asks to slow down after the allowed retries.
type Throttled struct{ RetryAfter time.Duration }

func (e *Throttled) Error() string {
	return fmt.Sprintf("throttled by the ticketing system; retry after %s", e.RetryAfter)
}

// InvalidTicketData is returned when the system rejects the data sent, or returns a body
// the adapter cannot read.
type InvalidTicketData struct{ Detail string }

func (e *InvalidTicketData) Error() string { return "invalid ticket data: " + e.Detail }
