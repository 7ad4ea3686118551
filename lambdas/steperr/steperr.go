// Package steperr holds the error types that several step packages return. Their Go type
// names are the error names state machines match in Retry and Catch, so they are defined once
// and aliased by each step package (offboarding.PermissionDenied is steperr.PermissionDenied).
// Errors that only one workflow raises, such as ExcludedAccount, stay in its step package.
package steperr

import "fmt"

// NotConfigured is returned when a step needs a system the tenant file does not configure,
// or whose adapter the entry point did not build.
type NotConfigured struct{ What string }

func (e *NotConfigured) Error() string {
	return fmt.Sprintf("%s not configured for this tenant: add it to the tenant file, or remove the step from the workflow", e.What)
}

// The error types below wrap an adapter's error and keep its whole message.

// PermissionDenied is returned when a directory, the ticketing system or AWS rejects the
// orchestrator's identity.
type PermissionDenied struct{ Err error }

// Throttled is returned when a system still throttles the call after the adapter's own
// retries. The state machines retry it with backoff.
type Throttled struct{ Err error }

// TicketNotFound is returned when the request or case ticket does not exist.
type TicketNotFound struct{ Err error }

// InvalidTicketData is returned when a ticket lacks what the workflow needs, or the ticketing
// system rejects what a step sends.
type InvalidTicketData struct{ Err error }

// InvalidInput is returned when a step's input is well-formed JSON but misses a value the
// step needs.
type InvalidInput struct{ Err error }

func (e *PermissionDenied) Error() string  { return e.Err.Error() }
func (e *PermissionDenied) Unwrap() error  { return e.Err }
func (e *Throttled) Error() string         { return e.Err.Error() }
func (e *Throttled) Unwrap() error         { return e.Err }
func (e *TicketNotFound) Error() string    { return e.Err.Error() }
func (e *TicketNotFound) Unwrap() error    { return e.Err }
func (e *InvalidTicketData) Error() string { return e.Err.Error() }
func (e *InvalidTicketData) Unwrap() error { return e.Err }
func (e *InvalidInput) Error() string      { return e.Err.Error() }
func (e *InvalidInput) Unwrap() error      { return e.Err }

// InvalidInputf returns an *InvalidInput with a formatted message.
func InvalidInputf(format string, args ...any) error {
	return &InvalidInput{Err: fmt.Errorf(format, args...)}
}
