// Package ingest is the HTTP entry point for events: POST /webhooks/{tenant}/{system}. It
// verifies the raw request body with the tenant's secret, normalises the payload and routes
// each canonical event with the embedded rules. Each workflow starts under a name derived from
// the event id, so a redelivered event does not start a second run.
//
// The tenant comes from the path, never from the payload. Systems are jira, servicenow,
// freshdesk, servicedeskplus, sentinel, defender, wazuh, and aws for GuardDuty and Security
// Hub events forwarded from EventBridge. Jira signs with X-Hub-Signature (sha256=HMAC of the
// body); other systems send the secret in the X-Secamo-Webhook-Token header or the token
// query parameter. Both are compared in constant time.
//
// A request that is rejected, an event that matches no rule, and an event whose execution
// could not be started are kept in a Quarantine with their body and headers (secret headers
// and the token parameter removed), so nothing is lost. The package serves the handler; it
// does not listen on a port or run workflows.
package ingest
