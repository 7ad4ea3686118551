package entra

import (
	"errors"
	"fmt"
	"net/http"

	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"

	"github.com/secamo/orchestrator/adapters/identity"
)

// graphError is a Graph error response, reduced to the fields the adapter classifies by.
type graphError struct {
	status     int
	code       string
	message    string
	retryAfter string
}

func (e *graphError) Error() string {
	if e.code == "" {
		return fmt.Sprintf("graph returned %d: %s", e.status, e.message)
	}
	return fmt.Sprintf("graph returned %d %s: %s", e.status, e.code, e.message)
}

// asGraphError extracts the status, code and message of an error returned by the SDK.
func asGraphError(err error) (*graphError, bool) {
	var ge *graphError
	if errors.As(err, &ge) {
		return ge, true
	}
	var odata *odataerrors.ODataError
	if errors.As(err, &odata) {
		ge = &graphError{status: odata.ResponseStatusCode, message: odata.Message}
		if main := odata.GetErrorEscaped(); main != nil {
			ge.code = deref(main.GetCode())
			ge.message = deref(main.GetMessage())
		}
		ge.retryAfter = firstHeader(odata.ResponseHeaders, "Retry-After")
		return ge, true
	}
	var api *abs.ApiError
	if errors.As(err, &api) {
		return &graphError{status: api.ResponseStatusCode, message: api.Message, retryAfter: firstHeader(api.ResponseHeaders, "Retry-After")}, true
	}
	return nil, false
}

func firstHeader(h *abs.ResponseHeaders, name string) string {
	if h == nil {
		return ""
	}
	if v := h.Get(name); len(v) > 0 {
		return v[0]
	}
	return ""
}

// classify turns a Graph error into the typed error of package identity that a state machine
// catches. The argument user names the user the call was about.
func (c *Client) classify(err error, operation, user string) error {
	ge, ok := asGraphError(err)
	if !ok {
		return err
	}
	switch ge.status {
	case http.StatusNotFound:
		if ge.code == "MailboxNotEnabledForRESTAPI" {
			return fmt.Errorf("user %q has no Exchange Online mailbox: %w", user, ge)
		}
		return &identity.UserNotFound{User: user}
	case http.StatusForbidden:
		return &identity.PermissionDenied{Operation: operation, Detail: ge.Error()}
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return &identity.Throttled{RetryAfter: retryDelay(ge.retryAfter, c.retries, c.clock.Now())}
	}
	return ge
}

// errorName returns the typed error's name that ItemResult.ErrorName reports.
func errorName(err error) string {
	var (
		notFound *identity.UserNotFound
		denied   *identity.PermissionDenied
		throttle *identity.Throttled
		synced   *identity.SyncedFromOnPrem
	)
	switch {
	case errors.As(err, &notFound):
		return "UserNotFound"
	case errors.As(err, &denied):
		return "PermissionDenied"
	case errors.As(err, &throttle):
		return "Throttled"
	case errors.As(err, &synced):
		return "SyncedFromOnPrem"
	}
	return ""
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
