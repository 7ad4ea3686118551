// Package approvals asks people for a yes or no before a workflow continues, and resumes the
// workflow with their decision.
//
// A workflow pauses on a .waitForTaskToken task whose step stores a [Record] with the task
// token and sends each approver a signed link. The task token never leaves the backend: a
// link carries only the approval id, the approver and the expiry, signed with HMAC-SHA256 and
// the tenant's signing key ([Signer]). Opening the link (GET or HEAD) shows a confirmation
// page and changes nothing, because mail scanners prefetch links. Only the page's POST, with a
// single-use form token, decides. The first decision wins through a conditional write in the
// [Store] before the task token is used, and the decision resumes the workflow through a
// [TaskResolver] (the local engine or AWS Step Functions).
//
// Every attempt, prefetches included, is written to the audit log in the store.
//
// The package does not send messages (see approvals/notify), store records (see
// approvals/sqlitestore and approvals/dynamostore) or talk to Step Functions (see
// approvals/sfnresolver).
package approvals
