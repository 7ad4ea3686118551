package triage

import (
	"errors"

	awsadapter "github.com/secamo/orchestrator/adapters/cloud/aws"
	"github.com/secamo/orchestrator/adapters/ticketing"
	"github.com/secamo/orchestrator/lambdas"
	"github.com/secamo/orchestrator/lambdas/steperr"
)

// Error types shared with the other step packages; see package steperr.
type (
	NotConfigured     = steperr.NotConfigured
	PermissionDenied  = steperr.PermissionDenied
	Throttled         = steperr.Throttled
	TicketNotFound    = steperr.TicketNotFound
	InvalidTicketData = steperr.InvalidTicketData
	InvalidInput      = steperr.InvalidInput
)

// The error types below wrap an adapter's error and keep its whole message. Their names are
// what Retry and Catch match.

// ProtectedResource is returned when the instance carries a protection tag, so automation
// must not isolate it; an engineer contains it by hand.
type ProtectedResource struct{ Err error }

// InstanceNotFound is returned when the alert's EC2 instance does not exist in the
// tenant's account and region.
type InstanceNotFound struct{ Err error }

func (e *ProtectedResource) Error() string { return e.Err.Error() }
func (e *ProtectedResource) Unwrap() error { return e.Err }
func (e *InstanceNotFound) Error() string  { return e.Err.Error() }
func (e *InstanceNotFound) Unwrap() error  { return e.Err }

func invalidInput(format string, args ...any) error { return steperr.InvalidInputf(format, args...) }

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
