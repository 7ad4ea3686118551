package triage

import (
	awsadapter "github.com/secamo/orchestrator/adapters/cloud/aws"
	"github.com/secamo/orchestrator/adapters/intel"
	"github.com/secamo/orchestrator/events"
	"github.com/secamo/orchestrator/lambdas/offboarding"
)

// Action is the response AssessAlert chooses for an alert.
type Action string

// Actions that AssessAlert decides.
const (
	// ActionTicket only opens or updates the ticket: the alert is below the thresholds or
	// names nothing the workflow can contain.
	ActionTicket Action = "ticket"
	// ActionIsolate isolates and snapshots the EC2 instance.
	ActionIsolate Action = "isolate"
	// ActionRevokeCredential deactivates the IAM user's active access keys through the
	// revoke-user-access sub-workflow.
	ActionRevokeCredential Action = "revokeCredential"
	// ActionProtected documents that the instance would be isolated but carries a
	// protection tag, so an engineer must act.
	ActionProtected Action = "protected"
)

// AlertInput is the input of AssessAlert: {"alert": events.Alert}, the detail of the
// canonical envelope.
type AlertInput struct {
	Alert events.Alert `json:"alert"`
}

// Assessment is AssessAlert's output: the enrichment, the decision and what the later
// states pass on.
type Assessment struct {
	Action Action `json:"action"`
	// ContainFirst is true when the instance is isolated before the approval, which then
	// confirms the isolation or releases it.
	ContainFirst bool `json:"containFirst"`
	// Reason explains the decision in one English sentence for the ticket and the logs.
	Reason string `json:"reason"`
	// Summary is the proposed action in one sentence in the tenant's language, for the
	// approver.
	Summary string `json:"summary"`
	// Priority is the ticket priority: low, medium, high or urgent.
	Priority string `json:"priority"`
	// MaxScore is the highest threat-intelligence score of the alert's indicators.
	MaxScore int            `json:"maxScore"`
	Intel    []intel.Result `json:"intel"`
	// Instance is the affected EC2 instance as read now, nil when the alert names none or it
	// was not found (AssetNote then gives the reason).
	Instance  *awsadapter.Instance `json:"instance"`
	AssetNote string               `json:"assetNote"`
	// Credential is the input of the revoke-user-access sub-workflow for a credential
	// finding, without the ticket, which OpenCase adds. It is always present so the state
	// machine can pass it on.
	Credential Credential `json:"credential"`
	// Approval holds the approval step's inputs that come from the tenant file.
	Approval Approval `json:"approval"`
}

// Credential is the IAM user of a credential finding and its active access keys, in the
// form the revoke-user-access sub-workflow takes.
type Credential struct {
	User  offboarding.Subject    `json:"user"`
	Items []offboarding.PlanItem `json:"items"`
}

// Approval is the part of the approval request that the tenant file decides: the first
// level is asked first, and the second when the first does not decide in time.
type Approval struct {
	Tenant    string                    `json:"tenant"`
	Requester string                    `json:"requester"`
	First     offboarding.ApprovalLevel `json:"first"`
	Second    offboarding.ApprovalLevel `json:"second"`
}

// CaseInput is the input of OpenCase.
type CaseInput struct {
	Alert      events.Alert `json:"alert"`
	Assessment Assessment   `json:"assessment"`
}

// Case is OpenCase's output.
type Case struct {
	Ticket offboarding.TicketRef `json:"ticket"`
	// Existing is true when the ticket was opened for an earlier version of the finding: the
	// update is then attached to it as a comment and nothing else happens.
	Existing bool `json:"existing"`
}

// InstanceInput is the input of ContainInstance and ReleaseInstance.
type InstanceInput struct {
	InstanceID string `json:"instanceId"`
	// CaseID is the alert's case key, tagged on the instance and its snapshots.
	CaseID string `json:"caseId"`
}

// ContainmentResult is the output of ContainInstance and ReleaseInstance.
type ContainmentResult struct {
	Isolation *awsadapter.IsolationResult `json:"isolation"`
	// Snapshots is empty for ReleaseInstance.
	Snapshots []awsadapter.Snapshot `json:"snapshots"`
}

// Outcome kinds that RecordOutcome documents.
const (
	OutcomeIsolated  = "isolated"  // approved and isolated
	OutcomeConfirmed = "confirmed" // isolated first, then confirmed
	OutcomeRejected  = "rejected"  // rejected before anything changed
	OutcomeReleased  = "released"  // isolated first, then rejected and released
	OutcomeProtected = "protected" // a protection tag forbids the isolation
	OutcomeRevoked   = "revoked"   // access keys deactivated
	OutcomeFailed    = "failed"    // a step failed; Error names it
)

// OutcomeInput is the input of RecordOutcome. Fields that do not apply to the kind are
// null.
type OutcomeInput struct {
	Kind   string                `json:"kind"`
	Ticket offboarding.TicketRef `json:"ticket"`
	Alert  events.Alert          `json:"alert"`
	// Containment is ContainInstance's or ReleaseInstance's output.
	Containment *ContainmentResult `json:"containment"`
	// Revocation is the revoke-user-access sub-workflow's output.
	Revocation map[string]any `json:"revocation"`
	// Decision is the approval step's result or, for a rejection, the failure the state
	// machine caught ({"Error", "Cause"}).
	Decision map[string]any `json:"decision"`
	// Reason is the assessment's reason, for OutcomeProtected.
	Reason string `json:"reason"`
	// Error is the failure the state machine caught, for OutcomeFailed and for a
	// ProtectedResource failure of ContainInstance.
	Error map[string]any `json:"error"`
}

// OutcomeOutput is RecordOutcome's output.
type OutcomeOutput struct {
	Kind    string `json:"kind"`
	Comment string `json:"comment"`
}
