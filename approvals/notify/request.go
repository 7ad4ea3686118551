package notify

import (
	"time"

	"github.com/secamo/orchestrator/approvals"
)

// Request is the content shared by every message of one approval request.
type Request struct {
	Record approvals.Record
	// Links maps each approver to their personal signed link.
	Links    map[string]string
	Texts    *approvals.Texts
	Location *time.Location
	// From is the sender address of e-mails.
	From string
	// Date is the send time written in the e-mail's Date header.
	Date time.Time
}

// ValidUntil returns the expiry in the request's language and time zone.
func (r *Request) ValidUntil() string {
	return r.Texts.FormatTime(r.Record.ExpiresAt, r.Location)
}
