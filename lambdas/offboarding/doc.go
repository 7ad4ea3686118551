// Package offboarding holds the steps of the user-offboarding workflow: resolve the leaver
// in Entra ID and Active Directory, refuse excluded accounts, build the plan, make each
// change, verify by reading everything back, record the evidence and report on the ticket.
//
// Each step is a method of Steps with a JSON input and output struct, registered under its
// ASL placeholder name by Register. Steps depend on small interfaces declared here and
// filled by the identity, ticketing and AWS adapters, so tests pass in-memory fakes. Every
// step is idempotent: it reads the current state first and reports an item that is
// already in the wanted state as alreadyDone instead of changing it again.
//
// A step fails with one of the error types of this package, whose Go names are the names
// the state machines match in Retry and Catch: ExcludedAccount, UserNotFound,
// SyncedFromOnPrem, PermissionDenied, Throttled, TicketNotFound, InvalidTicketData,
// InvalidInput, NotConfigured and OffboardingIncomplete. Adapter errors are classified into
// them with errors.As at the end of each step, because the Lambda runtime reports only the
// outermost error's type name.
//
// The package does not talk to any system itself and does not decide approvals: the
// request-approval step is in package approval.
package offboarding
