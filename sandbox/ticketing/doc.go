// Package ticketing contains what the ticketing emulators share: an in-memory ticket store
// with seedable demo tickets, injectable faults and the middleware that applies them. The
// faults are expired credentials, throttling, a missing ticket, a failure reported with HTTP
// 200, a rejected request and a slow response. Each emulator in a subpackage (servicedeskplus, jira,
// servicenow, freshdesk) renders the store in its vendor's wire format. The emulators serve
// tests and the demo on loopback; they are not a complete model of the vendors' products.
package ticketing
