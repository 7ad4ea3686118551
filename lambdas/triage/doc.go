// Package triage holds the steps of the alert-triage workflow: assess a canonical alert
// (enrich its indicators, read the affected EC2 instance or IAM user, decide by severity,
// threat-intelligence score and protection tags), open or update the case ticket, isolate
// and snapshot an instance or release it, and record the outcome on the ticket.
//
// Each step is a method of Steps with a JSON input and output struct, registered under its
// ASL placeholder name by Register. Steps depend on small interfaces declared here, which
// the intel, AWS and ticketing adapters fill, so tests pass in-memory fakes. Every step is
// idempotent: isolating an isolated instance, snapshotting a volume that already has a
// snapshot for the case and opening a ticket for a case that has one change nothing and
// report what they found.
//
// A step fails with one of the error types of this package, whose Go names are the names
// the state machine matches in Retry and Catch: ProtectedResource, InstanceNotFound,
// PermissionDenied, Throttled, TicketNotFound, InvalidTicketData, InvalidInput and
// NotConfigured. Adapter errors are converted into them at the end of each step, because
// the Lambda runtime reports only the outermost error's type name.
//
// The package does not request approvals (package approval does) and does not revoke
// credentials itself: the workflow runs the revoke-user-access sub-workflow, whose steps
// are in package offboarding, with the items AssessAlert builds.
package triage
