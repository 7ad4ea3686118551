// Package events defines the canonical events that start workflows. An Alert comes from
// GuardDuty, Security Hub, Microsoft Sentinel, Microsoft Defender or Wazuh. A TicketEvent comes
// from a tenant's Jira Service Management, ServiceNow, Freshdesk or ServiceDesk Plus. Both
// travel in an EventBridge-style Envelope on the tenant's bus.
//
// Every canonical event has a stable ID. The execution name is derived from it with
// ExecutionName, so a redelivered webhook or a re-published finding maps to the same execution
// name and does not start a second run. A CaseKey groups the versions of one finding or one
// ticket, so a workflow can attach an update to the case it already opened.
//
// Subpackages: normalize turns source payloads into canonical events, pattern evaluates
// EventBridge event patterns, rules holds the routing rules shared with the CDK stack, and
// ingest is the HTTP handler that verifies, normalises, routes and starts executions. This
// package only defines types and identifiers; it does not parse source payloads.
package events
