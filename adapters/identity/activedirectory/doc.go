// Package activedirectory disables users in an on-premises Active Directory domain over LDAP,
// for the offboarding steps. A user synchronised to Entra ID must be disabled here, because
// the next synchronisation undoes a change made in Entra ID.
//
// A Client finds a user by userPrincipalName or sAMAccountName, then changes the account by
// its objectGUID, which stays the same when the account moves:
//
//   - Disable sets the ACCOUNTDISABLE bit of userAccountControl.
//   - MoveToDisabledOU moves the account into the configured OU for disabled accounts.
//   - RemoveGroupMemberships removes the account from each group in memberOf. The primary
//     group (primaryGroupID) is not in memberOf and cannot be removed this way, so it is
//     reported as skipped.
//   - StampDescription prepends "Disabled by offboarding TICKET on DATE" to the description.
//   - ResetPassword sets a random password that is neither returned nor logged.
//   - Verify reads the account back and reports each of the above.
//
// Every change is idempotent: run twice, it reports what it found ("alreadyDisabled") instead
// of failing. Every call opens its own connection, encrypted with LDAPS (ldaps://) or StartTLS
// (ldap://, where StartTLS is required), checks the server's certificate and name, binds with
// the service account and closes the connection when the call returns or its context ends.
//
// Errors are the typed errors of package identity where a state machine acts on them
// (UserNotFound, PermissionDenied) and DirectoryUnavailable, which is retryable, when the
// domain controller is busy, unavailable or unreachable. The package does not create users,
// change group scopes or primary groups, or follow referrals to other domains.
package activedirectory
