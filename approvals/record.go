package approvals

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
	"time"
)

// Status is the state of an approval request.
type Status string

// Statuses of a record. Only a pending record can be decided.
const (
	StatusPending  Status = "pending"
	StatusApproved Status = "approved"
	StatusRejected Status = "rejected"
	StatusExpired  Status = "expired"
)

// Decision is an approver's yes or no.
type Decision string

// Decisions an approver can give.
const (
	Approve Decision = "approve"
	Reject  Decision = "reject"
)

// Channels through which a decision arrives.
const (
	ViaLink     = "link"
	ViaOperator = "operator"
)

// Record is one approval request: what is asked, of whom, until when, and the decision.
type Record struct {
	// ID is random (IDBytes bytes from crypto/rand) and unique across tenants.
	ID        string
	Tenant    string
	Execution string
	// TaskToken resumes the waiting workflow. It is never sent to anyone.
	TaskToken string
	// Level is the escalation level, starting at 1.
	Level     int
	Approvers []string
	Requester string
	Action    string
	Reason    string
	TicketURL string
	CreatedAt time.Time
	ExpiresAt time.Time
	Status    Status

	// The fields below are set by the decision.
	DecidedBy  string
	DecidedAt  time.Time
	Comment    string
	DecidedVia string
	// Delivered reports whether the decision reached the workflow. DeliveryError is the
	// resolver's error name when it did not (TaskTimedOut, TaskDoesNotExist, InvalidToken).
	Delivered     bool
	DeliveryError string
}

// IsApprover reports whether addr is one of the record's approvers, ignoring case.
func (r *Record) IsApprover(addr string) bool {
	for _, a := range r.Approvers {
		if strings.EqualFold(a, addr) {
			return true
		}
	}
	return false
}

// IsRequester reports whether addr is the person who asked for the action, ignoring case.
func (r *Record) IsRequester(addr string) bool {
	return r.Requester != "" && strings.EqualFold(r.Requester, addr)
}

// IDBytes is the number of random bytes in an approval id (160 bits).
const IDBytes = 20

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewID returns a random approval id: IDBytes bytes from crypto/rand in lowercase base32, so
// it is safe in URLs and file names.
func NewID() string {
	b := make([]byte, IDBytes)
	// crypto/rand.Read never returns an error since Go 1.24; it crashes the program instead.
	rand.Read(b)
	return strings.ToLower(idEncoding.EncodeToString(b))
}

// ValidID reports whether id has the form NewID produces.
func ValidID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

// AuditEvent is one attempt to view or decide an approval, kept for the audit log.
type AuditEvent struct {
	ApprovalID string
	Tenant     string
	At         time.Time
	// Method is GET, HEAD, POST or OPERATOR.
	Method   string
	Approver string
	// Outcome is a short code: viewed, approved, rejected, already-decided, expired,
	// invalid-signature, invalid-form-token, form-token-reused, self-approval, not-approver,
	// not-found, delivery-failed.
	Outcome   string
	RemoteIP  string
	UserAgent string
}
