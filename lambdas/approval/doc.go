// Package approval is the request-approval step. A workflow calls it with
// arn:aws:states:::lambda:invoke.waitForTaskToken: the step stores an approval record with
// the task token, sends each approver a personal link by e-mail (and the tenant's Teams
// channel a card), and returns. The workflow waits until a decision on the confirmation page
// (package approvals) resumes it, or until the task's TimeoutSeconds passes.
//
// Escalation: the tenant file lists levels of approvers, each with a timeout. The Levels
// step returns them with their timeouts in seconds, so the ASL task of level N can read its
// TimeoutSecondsPath. On States.Timeout the workflow requests approval from level N+1. After
// the last level it rejects the request and comments the reason on the ticket. docs/approvals.md shows the ASL.
//
// The step does not decide anything and never sends the task token anywhere.
package approval
