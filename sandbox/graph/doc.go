// Package graph is an in-memory emulator of the parts of Microsoft Graph v1.0 that the Entra ID
// adapter uses: user lookup with $select and $expand=manager, memberOf with @odata.nextLink
// paging, member removal from groups, directory roles and administrative units, licences
// (assignLicense, licenseDetails), account updates, revokeSignInSessions (which moves the
// user's signInSessionsValidFromDateTime to Options.Now, to the second), mailbox settings and
// JSON batching ($batch with dependsOn, per-item status, headers and body).
//
// Responses use Graph's wire format: @odata.type on directory objects, error bodies of the form
// {"error":{"code","message","innerError"}}, 204 for removals, 424 for a batch item whose
// dependency failed. Seed the directory with AddUser, AddGroup, AddDirectoryRole,
// AddAdministrativeUnit, AddMember and AssignLicense (or SeedDemo), and read the state back
// with User, MemberOf, Licenses, AutomaticReply and SessionRevocations.
//
// Faults are injected with ThrottleBatchItems (429 inside a batch with a Retry-After such as
// 2.128), ThrottleRequests (429 or 503 on whole requests), ExpirePageTokens (the next page
// requests answer 400 Directory_ExpiredPageToken) and DenyGroup (403 on one group's member
// removal). A user seeded with OnPremisesSyncEnabled rejects every update, as Graph does for
// objects mastered in on-premises AD.
//
// The emulator does not issue tokens: with Options.Token set, it only checks that each request
// carries that bearer token. It answers the responses of a batch in reverse order, which Graph
// allows, so that clients must match them by id. It does not emulate $filter, $search, $orderby,
// $count or any endpoint not listed above.
package graph
