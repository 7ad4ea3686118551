// Package aws is the orchestrator's client of the tenant's AWS account. It wraps the AWS SDK
// for Go v2 behind small interfaces of the SDK methods it calls, so tests pass hand-written
// fakes instead of reaching AWS.
//
// So far it covers IAM access keys: listing a user's keys and deactivating one, which user
// offboarding uses. It never deletes a key, so a deactivation can be undone by an operator.
// Failures are classified into the typed errors NoSuchIAMUser, Throttled and
// PermissionDenied, which callers inspect with errors.As.
package aws
