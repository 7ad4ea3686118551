package approvals

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Store keeps approval records, used form tokens and the audit log. Implementations must
// make Decide and UseFormToken atomic conditional writes: of two concurrent calls exactly one
// succeeds. The contract test suite in approvals/storetest checks every implementation.
type Store interface {
	// Create stores a new pending record. It returns ErrExists when the id is taken.
	Create(ctx context.Context, r Record) error
	// Get returns the record with the id, or ErrNotFound.
	Get(ctx context.Context, id string) (Record, error)
	// Decide sets the decision when the record is pending and d.At is before its expiry. It
	// returns the decided record, *AlreadyDecidedError (with the existing decision) when it
	// was decided before, *ExpiredError when the record expired, or ErrNotFound.
	Decide(ctx context.Context, id string, d DecisionInput) (Record, error)
	// MarkDelivered records whether the decision reached the workflow; errorName is empty
	// on success.
	MarkDelivered(ctx context.Context, id string, delivered bool, errorName string) error
	// UseFormToken marks a form token nonce as used. It returns ErrFormTokenUsed when it was
	// used before.
	UseFormToken(ctx context.Context, id, nonce string, at time.Time) error
	// Expire marks every pending record whose expiry is at or before now as expired and
	// returns them.
	Expire(ctx context.Context, now time.Time) ([]Record, error)
	// Undelivered returns decided records whose decision has not reached the workflow and
	// whose delivery has not failed for good.
	Undelivered(ctx context.Context) ([]Record, error)
	// EarliestPendingExpiry returns the earliest expiry of the pending records, and false
	// when no record is pending.
	EarliestPendingExpiry(ctx context.Context) (time.Time, bool, error)
	// AppendAudit adds an event to the audit log.
	AppendAudit(ctx context.Context, e AuditEvent) error
	// Audit returns the audit log of one approval, oldest first.
	Audit(ctx context.Context, id string) ([]AuditEvent, error)
}

// DecisionInput is the decision Store.Decide writes.
type DecisionInput struct {
	Decision Decision
	Approver string
	Comment  string
	Via      string
	At       time.Time
}

// Store errors.
var (
	ErrNotFound      = errors.New("approval not found")
	ErrExists        = errors.New("approval id already exists")
	ErrFormTokenUsed = errors.New("form token already used")
)

// AlreadyDecidedError is returned when a decision arrives for a decided record.
type AlreadyDecidedError struct {
	Record Record
}

func (e *AlreadyDecidedError) Error() string {
	return fmt.Sprintf("approval %s already %s by %s at %s", e.Record.ID, e.Record.Status,
		e.Record.DecidedBy, e.Record.DecidedAt.UTC().Format(time.RFC3339))
}

// ExpiredError is returned when a decision arrives after the record's expiry.
type ExpiredError struct {
	Record Record
}

func (e *ExpiredError) Error() string {
	return fmt.Sprintf("approval %s expired at %s", e.Record.ID, e.Record.ExpiresAt.UTC().Format(time.RFC3339))
}

// CheckDecidable returns the error Decide must return for r at time at, or nil when r can be
// decided. Store implementations share it so that they agree.
func CheckDecidable(r Record, at time.Time) error {
	switch {
	case r.Status == StatusApproved || r.Status == StatusRejected:
		return &AlreadyDecidedError{Record: r}
	case r.Status == StatusExpired || !at.Before(r.ExpiresAt):
		return &ExpiredError{Record: r}
	}
	return nil
}

// StatusFor returns the record status a decision leads to.
func StatusFor(d Decision) Status {
	if d == Approve {
		return StatusApproved
	}
	return StatusRejected
}
