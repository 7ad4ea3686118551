package offboarding

import (
	"errors"
	"fmt"
	"strings"

	awsadapter "github.com/secamo/orchestrator/adapters/cloud/aws"
	"github.com/secamo/orchestrator/adapters/identity"
	"github.com/secamo/orchestrator/adapters/ticketing"
	"github.com/secamo/orchestrator/lambdas"
	"github.com/secamo/orchestrator/lambdas/steperr"
)

// ExcludedAccount is returned when the tenant's exclusions forbid offboarding the user.
type ExcludedAccount struct {
	User   string
	Reason string
}

func (e *ExcludedAccount) Error() string {
	return fmt.Sprintf("user %q is excluded from automated offboarding: %s; a person must handle this request", e.User, e.Reason)
}

// OffboardingIncomplete is returned when reading back shows planned changes that are not in
// place, or when a step is asked to report success for an unverified offboarding.
type OffboardingIncomplete struct {
	// Items describes each change that is not in place.
	Items []string
}

func (e *OffboardingIncomplete) Error() string {
	return fmt.Sprintf("offboarding incomplete: %d planned changes not in place: %s", len(e.Items), strings.Join(e.Items, "; "))
}

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
// what Retry and Catch match, so a step converts its adapter errors into them before
// returning.

// UserNotFound is returned when the user is in neither directory, or missing from AD while
// Entra ID marks it as synchronised from there.
type UserNotFound struct{ Err error }

// SyncedFromOnPrem is returned when Entra ID rejects a change because the object is
// synchronised from on-premises AD.
type SyncedFromOnPrem struct{ Err error }

func (e *UserNotFound) Error() string     { return e.Err.Error() }
func (e *UserNotFound) Unwrap() error     { return e.Err }
func (e *SyncedFromOnPrem) Error() string { return e.Err.Error() }
func (e *SyncedFromOnPrem) Unwrap() error { return e.Err }

// invalidInput returns an *InvalidInput with a formatted message.
func invalidInput(format string, args ...any) error { return steperr.InvalidInputf(format, args...) }

// classify replaces *err with the step error type that matches its chain, so the outermost
// error carries the name the state machine matches. An error that already is a step error,
// or that matches none, is left as it is. Steps call it with defer.
func classify(err *error) {
	if *err == nil || isStepError(*err) {
		return
	}
	e := *err
	var (
		excluded   *ExcludedAccount
		incomplete *OffboardingIncomplete
		missing    *NotConfigured
	)
	switch {
	case errors.As(e, &excluded):
		*err = excluded
	case errors.As(e, &incomplete):
		*err = incomplete
	case errors.As(e, &missing):
		*err = missing
	case isAny(e, new(*Throttled), new(*identity.Throttled), new(*ticketing.Throttled), new(*awsadapter.Throttled)):
		*err = &Throttled{Err: e}
	case isAny(e, new(*PermissionDenied), new(*identity.PermissionDenied), new(*ticketing.PermissionDenied), new(*awsadapter.PermissionDenied)):
		*err = &PermissionDenied{Err: e}
	case isAny(e, new(*UserNotFound), new(*identity.UserNotFound), new(*awsadapter.NoSuchIAMUser)):
		*err = &UserNotFound{Err: e}
	case isAny(e, new(*SyncedFromOnPrem), new(*identity.SyncedFromOnPrem)):
		*err = &SyncedFromOnPrem{Err: e}
	case isAny(e, new(*TicketNotFound), new(*ticketing.TicketNotFound)):
		*err = &TicketNotFound{Err: e}
	case isAny(e, new(*InvalidTicketData), new(*ticketing.InvalidTicketData)):
		*err = &InvalidTicketData{Err: e}
	case isAny(e, new(*InvalidInput), new(*lambdas.InvalidInput)):
		*err = &InvalidInput{Err: e}
	}
}

// isStepError reports whether err itself (not its chain) is one of this package's types.
func isStepError(err error) bool {
	switch err.(type) {
	case *ExcludedAccount, *OffboardingIncomplete, *NotConfigured, *UserNotFound, *SyncedFromOnPrem,
		*PermissionDenied, *Throttled, *TicketNotFound, *InvalidTicketData, *InvalidInput:
		return true
	}
	return false
}

// isAny reports whether err's chain contains an error of any of the target types; each
// target is a pointer to a pointer-to-error-type, as errors.As takes.
func isAny(err error, targets ...any) bool {
	for _, t := range targets {
		if errors.As(err, t) {
			return true
		}
	}
	return false
}

// errorName returns the name the state machine would see for err, or the adapter's name for
// an item's failure.
func errorName(err error) string {
	if ie, ok := err.(*itemError); ok && ie.name != "" {
		return ie.name
	}
	t := fmt.Sprintf("%T", err)
	return t[strings.LastIndex(t, ".")+1:]
}
