// Package freshdesk implements ticketing.System on the Freshdesk API v2 (/api/v2/tickets,
// notes, reply, search). It authenticates with an API key sent as the basic-auth user name
// and "X" as the password, maps Freshdesk's numeric status and priority codes to names both
// ways, and marks the tickets it creates with the correlation key as a tag. The ticket
// parser also reads webhook-free API records; Freshdesk webhooks are written by the admin and
// are the events package's concern.
package freshdesk
