// Package freshdesk implements ticketing.System on the Freshdesk API v2 (/api/v2/tickets,
// notes, reply, search). It authenticates with an API key sent as the basic-auth user name
// and "X" as the password. It maps Freshdesk's numeric status and priority codes to names
// both ways and tags the tickets it creates with the correlation key. The ticket parser
// reads API records only, because the body of a Freshdesk webhook is written by the admin.
package freshdesk
