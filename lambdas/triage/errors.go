package triage

import (
	"errors"
	"fmt"

	awsadapter "github.com/secamo/orchestrator/adapters/cloud/aws"
	"github.com/secamo/orchestrator/adapters/ticketing"
	"github.com/secamo/orchestrator/lambdas"
)

// NotConfigured is returned when a step needs an adapter that the entry point did not
// build for this tenant.
type NotConfigured struct{ What string }

func (e *NotConfigured) Error() string {
	return fmt.Sprintf("%s not configured for this tenant: add it to the tenant file, or remove the step from the workflow", e.What)
}

// The error types below wrap an adapter's error and keep its whole message. Their names are
// what Retry and Catch match.

// ProtectedResource is returned when the instance carries a protection tag, so automation
// must not isolate it; an engineer contains it by hand.
type ProtectedResource struct{ Err error }

// InstanceNotFound is returned when the alert's EC2 instance does not exist in the
// tenant's account and region.
type InstanceNotFound struct{ Err error }

// PermissionDenied is returned when AWS or the ticketing system rejects the orchestrator's
// identity.
type PermissionDenied struct{ Err error }

// Throttled is returned when a system still throttles the call after the adapter's own
// retries. The state machine retries it with backoff.
type Throttled struct{ Err error }

// TicketNotFound is returned when the case ticket no longer exists.
type TicketNotFound struct{ Err error }

// InvalidTicketData is returned when the ticketing system rejects what a step sends.
type InvalidTicketData struct{ Err error }

// InvalidInput is returned when a step's input is well-formed JSON but misses a value the
// step needs.
type InvalidInput struct{ Err error }

func (e *ProtectedResource) Error() string { return e.Err.Error() }
func (e *ProtectedResource) Unwrap() error { return e.Err }
func (e *InstanceNotFound) Error() string  { return e.Err.Error() }
func (e *InstanceNotFound) Unwrap() error  { return e.Err }
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

func invalidInput(format string, args ...any) error {
	return &InvalidInput{Err: fmt.Errorf(format, args...)}
}

// classify replaces *err with the step error type that matches its chain, so the outermost
// error carries the name the state machine matches. Steps call it with defer.
func classify(err *error) {
	if *err == nil || isStepError(*err) {
		return
	}
	e := *err
	var missing *NotConfigured
	switch {
	case errors.As(e, &missing):
		*err = missing
	case isAny(e, new(*awsadapter.ProtectedResource)):
		*err = &ProtectedResource{Err: e}
	case isAny(e, new(*awsadapter.InstanceNotFound)):
		*err = &InstanceNotFound{Err: e}
	case isAny(e, new(*awsadapter.Throttled), new(*ticketing.Throttled)):
		*err = &Throttled{Err: e}
	case isAny(e, new(*awsadapter.PermissionDenied), new(*ticketing.PermissionDenied)):
		*err = &PermissionDenied{Err: e}
	case isAny(e, new(*ticketing.TicketNotFound)):
		*err = &TicketNotFound{Err: e}
	case isAny(e, new(*ticketing.InvalidTicketData)):
		*err = &InvalidTicketData{Err: e}
	case isAny(e, new(*lambdas.InvalidInput)):
		*err = &InvalidInput{Err: e}
	}
}

func isStepError(err error) bool {
	switch err.(type) {
	case *NotConfigured, *ProtectedResource, *InstanceNotFound, *PermissionDenied, *Throttled,
		*TicketNotFound, *InvalidTicketData, *InvalidInput:
		return true
	}
	return false
}

func isAny(err error, targets ...any) bool {
	for _, t := range targets {
		if errors.As(err, t) {
			return true
		}
	}
	return false
}
