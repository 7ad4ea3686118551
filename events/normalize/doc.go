// Package normalize turns source payloads into canonical events: GuardDuty and Security Hub
// events from EventBridge, Microsoft Sentinel and Microsoft Defender incidents, Wazuh alerts,
// and webhooks from Jira Service Management, ServiceNow, Freshdesk and ServiceDesk Plus.
//
// Alert normalisers need nothing but the payload. Ticket normalisers take a TicketMapping
// built from the tenant file's events.tickets rules, because which ticket means offboarding
// and which field holds the user differ per customer and never live in code.
//
// Every normaliser returns an *InputError for a payload it cannot use; none panics on
// malformed input. The package does not verify signatures, route events or fetch tickets.
package normalize
