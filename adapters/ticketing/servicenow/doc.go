// Package servicenow implements ticketing.System on the ServiceNow Table API
// (/api/now/table/{table}) for incident, sc_request and sc_req_item, with the Attachment API
// for files. Table API values are strings and reference fields are {link, value} objects or
// "". Internal comments are work notes; public ones are customer-visible comments. Tickets the
// orchestrator creates carry the correlation key in correlation_id (or the field the tenant
// maps). It authenticates with basic auth or an OAuth bearer token.
package servicenow
