// Package ticketing holds what the ticketing emulators share: an in-memory ticket store with
// seedable demo tickets, injectable faults (expired credentials, throttling, a missing
// ticket, a failure reported with HTTP 200, a rejected request, a slow response) and the
// middleware that applies them. Each emulator in a subpackage (servicedeskplus, jira,
// servicenow, freshdesk) renders the store in its vendor's wire format. The emulators serve
// tests and the demo on loopback; they are not a complete model of the vendors' products.
package ticketing
