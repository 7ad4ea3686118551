package activedirectory

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"

	"github.com/go-ldap/ldap/v3"

	"github.com/secamo/orchestrator/adapters/identity"
)

// DirectoryUnavailable is returned when the domain controller is busy, unavailable or cannot
// be reached. The call may succeed when retried later.
type DirectoryUnavailable struct {
	Operation string
	Err       error
}

func (e *DirectoryUnavailable) Error() string {
	return fmt.Sprintf("%s: domain controller unavailable: %v", e.Operation, e.Err)
}

func (e *DirectoryUnavailable) Unwrap() error { return e.Err }

// Retryable reports true: the condition is temporary.
func (e *DirectoryUnavailable) Retryable() bool { return true }

// AmbiguousUser is returned when more than one account matches a user name.
type AmbiguousUser struct {
	User string
	DNs  []string
}

func (e *AmbiguousUser) Error() string {
	return fmt.Sprintf("user %q matches %d accounts (%q and more): use a name that matches one account", e.User, len(e.DNs), e.DNs[0])
}

// classify turns an error from a request into the typed error a caller acts on, with the
// operation's name for context. A request cut short by the caller's context returns the
// context's error, and one cut short by Config.Timeout returns DirectoryUnavailable.
func classify(ctx context.Context, operation string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		if cause := context.Cause(ctx); errors.Is(cause, errCallTimeout) {
			return &DirectoryUnavailable{Operation: operation, Err: cause}
		}
		return fmt.Errorf("%s: %w", operation, ctxErr)
	}
	var certErr *tls.CertificateVerificationError
	if errors.As(err, &certErr) {
		return fmt.Errorf("%s: checking the server certificate: %w: set caFile to the CA that signed it and connect with a name the certificate contains", operation, err)
	}
	var ldapErr *ldap.Error
	if !errors.As(err, &ldapErr) {
		return fmt.Errorf("%s: %w", operation, err)
	}
	switch ldapErr.ResultCode {
	case ldap.LDAPResultInsufficientAccessRights:
		return &identity.PermissionDenied{Operation: operation, Detail: diagnostic(ldapErr)}
	case ldap.LDAPResultBusy, ldap.LDAPResultUnavailable, ldap.LDAPResultTimeLimitExceeded,
		ldap.LDAPResultServerDown, ldap.LDAPResultTimeout, ldap.LDAPResultConnectError, ldap.ErrorNetwork:
		return &DirectoryUnavailable{Operation: operation, Err: err}
	}
	return fmt.Errorf("%s: %w", operation, err)
}

// diagnostic returns the server's diagnostic message, which for Active Directory starts with
// a Windows error code such as 00002098: SecErr.
func diagnostic(err *ldap.Error) string {
	if err.Err != nil {
		return err.Err.Error()
	}
	return ldap.LDAPResultCodeMap[err.ResultCode]
}
