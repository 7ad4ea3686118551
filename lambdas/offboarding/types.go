package offboarding

import (
	"encoding/json"
	"time"

	"github.com/secamo/orchestrator/adapters/identity"
)

// TicketRef identifies the request ticket in the tenant's ticketing system.
type TicketRef struct {
	ID  string `json:"id"`
	Key string `json:"key"`
	// URL is empty when the ticketing system returns none; the field is always present
	// because the state machine passes it to the approval request.
	URL     string `json:"url"`
	Subject string `json:"subject"`
	// Requester is the requester's e-mail address, who may not approve the request.
	Requester string `json:"requester"`
}

// Subject is the leaver as found in each directory.
type Subject struct {
	UserPrincipalName string `json:"userPrincipalName"`
	DisplayName       string `json:"displayName"`
	// Entra is the Entra ID user, nil when the tenant has no Entra ID.
	Entra *identity.User `json:"entra,omitempty"`
	// AD is the on-premises AD user, nil when the tenant has no AD or the user is cloud-only.
	AD *identity.User `json:"ad,omitempty"`
	// Synced is true when the Entra user is synchronised from AD: the account is then
	// disabled on the AD side and the state machines skip the Entra disable.
	Synced bool `json:"synced"`
}

// ItemKind names what a plan item changes.
type ItemKind string

// Plan item kinds.
const (
	KindEntraAccount ItemKind = "entraAccount" // disable the Entra ID account
	KindSessions     ItemKind = "sessions"     // revoke the sign-in sessions
	KindGroup        ItemKind = "group"        // remove an Entra membership (group, role, unit)
	KindADGroup      ItemKind = "adGroup"      // remove an AD group membership
	KindLicense      ItemKind = "license"      // remove a directly assigned licence
	KindADAccount    ItemKind = "adAccount"    // disable, reset, stamp and move the AD account
	KindAccessKey    ItemKind = "accessKey"    // deactivate an AWS IAM access key
)

// PlanItem is one change of the plan.
type PlanItem struct {
	Kind ItemKind `json:"kind"`
	// ID is the object id, the licence's SKU id, the AD group's distinguished name or the
	// access key id.
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// Target is the OU the AD account moves to, or the IAM user that owns an access key.
	Target string `json:"target,omitempty"`
	// SkipReason is set for an item that is listed for completeness but not changed, such
	// as a dynamic group or a licence assigned through a group. It is in English; SkipCode
	// (with SkipArg) names the same reason for the tenant's language, see texts.skipReasons.
	SkipReason string `json:"skipReason,omitempty"`
	SkipCode   string `json:"skipCode,omitempty"`
	SkipArg    string `json:"skipArg,omitempty"`
	// Membership tells, for a KindGroup item, whether it is a group, a directory role or an
	// administrative unit, so texts name it correctly; empty means a group.
	Membership identity.MembershipKind `json:"membership,omitempty"`
}

// Plan is the list of changes offboarding will make, built before approval.
type Plan struct {
	// Summary is one sentence in the tenant's language for the approver and the ticket.
	Summary   string     `json:"summary"`
	Items     []PlanItem `json:"items"`
	CreatedAt time.Time  `json:"createdAt"`
	// Approval is the input of the request-approval step that the state machine passes,
	// field by field, to each approval level.
	Approval ApprovalRequest `json:"approval"`
}

// ApprovalRequest holds what the request-approval step (package approval) needs, so the
// state machine can ask both levels without another step.
type ApprovalRequest struct {
	Tenant    string `json:"tenant"`
	Requester string `json:"requester"`
	Reason    string `json:"reason"`
	TicketURL string `json:"ticketUrl"`
	// First is the first approval level; Second is asked when the first times out.
	First  ApprovalLevel `json:"first"`
	Second ApprovalLevel `json:"second"`
}

// ApprovalLevel is one level's approvers (e-mail addresses) and decision time, in seconds
// for the task's TimeoutSecondsPath and as a Go duration for the approval step.
type ApprovalLevel struct {
	Approvers      []string `json:"approvers"`
	TimeoutSeconds int      `json:"timeoutSeconds"`
	Timeout        string   `json:"timeout"`
}

// Status is the outcome of one item.
type Status string

// Item statuses. Change steps report changed, alreadyDone, skipped or failed; verification
// reports verified, skipped or notDone.
const (
	StatusChanged     Status = "changed"
	StatusAlreadyDone Status = "alreadyDone"
	StatusSkipped     Status = "skipped"
	StatusFailed      Status = "failed"
	StatusVerified    Status = "verified"
	StatusNotDone     Status = "notDone"
)

// Outcome is what happened to one plan item.
type Outcome struct {
	Item   PlanItem `json:"item"`
	Status Status   `json:"status"`
	// Detail is the reason for skipped, failed and notDone, or what was found, in English.
	Detail string `json:"detail,omitempty"`
	// Found is the verification result for the tenant's language; see texts.findings.
	Found *Finding `json:"found,omitempty"`
	// ErrorName is the typed error's name for a failed item.
	ErrorName string `json:"errorName,omitempty"`
}

// ChangeInput is the input of every change step: the leaver and the approved plan items.
// A step acts only on the items of its own kinds.
type ChangeInput struct {
	User   Subject    `json:"user"`
	Items  []PlanItem `json:"items"`
	Ticket TicketRef  `json:"ticket"`
}

// ChangeOutput is the output of every change step.
type ChangeOutput struct {
	Outcomes []Outcome `json:"outcomes"`
}

// Verification is the result of reading back every planned change.
type Verification struct {
	// Complete is true when every item that is not skipped is verified.
	Complete   bool      `json:"complete"`
	Outcomes   []Outcome `json:"outcomes"`
	VerifiedAt time.Time `json:"verifiedAt"`
}

// ApprovalDecision is the decision the approval service sends back with the task token:
// the task output on approval, and the Cause of the ApprovalRejected failure on rejection.
// It mirrors approvals.Result field for field.
type ApprovalDecision struct {
	Decision   string    `json:"decision"` // approve or reject
	Approver   string    `json:"approver"`
	Comment    string    `json:"comment"`
	DecidedAt  time.Time `json:"decidedAt"`
	ApprovalID string    `json:"approvalId"`
	Level      int       `json:"level"`
	Via        string    `json:"via"`
}

// StateError is what a Catch stores at ResultPath $.error.
type StateError struct {
	Error string `json:"Error"`
	Cause string `json:"Cause"`
}

// State is the whole state document of the user-offboarding state machine, which the
// failure path passes to ReportFailure because any part of it may be missing.
type State struct {
	// TicketID and DryRun are the execution input.
	TicketID string          `json:"ticketId"`
	DryRun   bool            `json:"dryRun"`
	Subject  *ResolveOutput  `json:"subject,omitempty"`
	Plan     *Plan           `json:"plan,omitempty"`
	Approval json.RawMessage `json:"approval,omitempty"`
	// Escalation is the first approval level's States.Timeout, kept when the second level
	// is asked.
	Escalation   *StateError     `json:"escalation,omitempty"`
	Rejection    *StateError     `json:"rejection,omitempty"`
	Changes      json.RawMessage `json:"changes,omitempty"`
	Verification *Verification   `json:"verification,omitempty"`
	Evidence     *EvidenceOutput `json:"evidence,omitempty"`
	Error        *StateError     `json:"error,omitempty"`
	// Report and ReportError are written after ReportFailure and never read by a step.
	Report      *ReportOutput `json:"report,omitempty"`
	ReportError *StateError   `json:"reportError,omitempty"`
}

// itemsOf returns the items of the given kinds.
func itemsOf(items []PlanItem, kinds ...ItemKind) []PlanItem {
	var out []PlanItem
	for _, it := range items {
		for _, k := range kinds {
			if it.Kind == k {
				out = append(out, it)
			}
		}
	}
	return out
}

// Finding is the result of reading an item back: a code of texts.findings and the values
// its text takes.
type Finding struct {
	Code string   `json:"code"`
	Args []string `json:"args,omitempty"`
}

func found(code string, args ...string) Finding { return Finding{Code: code, Args: args} }
