// Package aws is the orchestrator's client of the tenant's AWS account. It wraps the AWS SDK
// for Go v2 behind small interfaces of the SDK methods it calls, so tests pass hand-written
// fakes instead of reaching AWS.
//
// It covers IAM access keys (listing a user's keys and deactivating one, for offboarding and
// credential findings), EC2 containment (describing an instance, isolating it in a quarantine
// security group after recording its original groups, snapshotting its volumes, and releasing
// it) and assuming the tenant's role, with an external id where its trust policy requires one.
// It never deletes a key or an instance, so every action can be undone by an operator.
// Failures are classified into the typed errors NoSuchIAMUser, InstanceNotFound,
// ProtectedResource, Throttled and PermissionDenied, which callers inspect with errors.As.
package aws
