// Package entra is the Entra ID adapter: it looks up users and changes them through
// Microsoft Graph v1.0 with msgraph-sdk-go, for the offboarding steps.
//
// It is the only package of the project that imports msgraph-sdk-go or the Kiota libraries
// under it, because they are heavy to build (several minutes and gigabytes of memory on a
// cold cache). Its API uses the types of package identity, so steps and tests elsewhere never
// link the SDK.
//
// A Client authenticates with client credentials (azidentity) from the tenant configuration,
// or with a caller-supplied token for the sandbox emulator. It sends every request through
// its own transport, which counts requests and retries 429 and 503 answers after their
// Retry-After on an injectable Clock, so tests never sleep. Changes are verified by reading
// them back, in the same $batch when Graph allows it:
//
//   - User looks a user up by id or user principal name, with $select of the properties that
//     Graph omits by default (accountEnabled, onPremisesSyncEnabled, userType) and the manager.
//   - Memberships lists groups, directory roles and administrative units across all pages,
//     restarting once when a page token expires, and marks the memberships Graph cannot
//     change (dynamic, synchronised from AD, mail-enabled) as not removable.
//   - RemoveMemberships removes memberships in $batch requests of at most 20, reporting each
//     item by itself and retrying throttled items.
//   - Licenses, RemoveLicenses, DisableUser, RevokeSessions and SetAutomaticReply change
//     licences, the account, sign-in sessions and the automatic reply.
//
// Errors are wrapped with context around the typed errors of package identity: 404 becomes
// UserNotFound, 403 PermissionDenied, 429 or 503 beyond the retries Throttled, and an update
// refused for a synchronised user SyncedFromOnPrem.
package entra
