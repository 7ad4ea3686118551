// Package jira implements ticketing.System on Jira Service Management Cloud. Customer
// requests are created and commented on through the Service Management API
// (/rest/servicedeskapi/request), where a comment is public or internal. They are read,
// transitioned and given attachments through the platform API (/rest/api/3/issue), which
// carries rich text in Atlassian Document Format (ADF). Status changes go through the
// workflow's transitions, found by name. It authenticates with an account e-mail address and
// API token (basic) or an OAuth 2.0 bearer token.
package jira
