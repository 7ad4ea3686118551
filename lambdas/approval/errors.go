package approval

import "fmt"

// The type names below are the ASL error names of the step.

// InvalidApprovalRequest is returned when the step's input is incomplete or malformed.
type InvalidApprovalRequest struct {
	Field   string
	Message string
}

func (e *InvalidApprovalRequest) Error() string {
	return fmt.Sprintf("invalid approval request: %s: %s", e.Field, e.Message)
}

func invalid(field, format string, args ...any) error {
	return &InvalidApprovalRequest{Field: field, Message: fmt.Sprintf(format, args...)}
}

// NoApprovers is returned when the level has nobody to ask: the tenant file has fewer
// levels, the level lists no approvers, or the only approver is the requester.
type NoApprovers struct {
	Tenant        string
	Level         int
	Levels        int
	OnlyRequester bool
}

func (e *NoApprovers) Error() string {
	if e.OnlyRequester {
		return fmt.Sprintf("no approvers at level %d of tenant %q: the only approver is the requester, who cannot approve their own request; add another approver to approvals.levels", e.Level, e.Tenant)
	}
	return fmt.Sprintf("no approvers at level %d of tenant %q, which configures %d levels: add approvers and a timeout to approvals.levels, or reject after the last level", e.Level, e.Tenant, e.Levels)
}

// NotConfigured is returned when the tenant's approval settings cannot be used, such as a
// signing key that cannot be resolved.
type NotConfigured struct {
	What string
	Err  error
}

func (e *NotConfigured) Error() string { return fmt.Sprintf("%s not usable: %v", e.What, e.Err) }

func (e *NotConfigured) Unwrap() error { return e.Err }

// NotificationFailed is returned when no e-mail and no Teams message could be sent, so no
// one can decide. The record stays pending and expires with the wait.
type NotificationFailed struct {
	ApprovalID string
	Err        error
}

func (e *NotificationFailed) Error() string {
	return fmt.Sprintf("sending approval request %s: no message was sent: %v", e.ApprovalID, e.Err)
}

func (e *NotificationFailed) Unwrap() error { return e.Err }

// ApprovalNotStored is returned when the approval store rejects or fails the new record.
// Nothing was sent, so the state machine may retry the step.
type ApprovalNotStored struct {
	Execution string
	Err       error
}

func (e *ApprovalNotStored) Error() string {
	return fmt.Sprintf("storing approval request of execution %s: %v", e.Execution, e.Err)
}

func (e *ApprovalNotStored) Unwrap() error { return e.Err }
