// Package notify writes and sends approval requests: an e-mail with plain-text and HTML parts
// for each approver, and a Microsoft Teams message with an Adaptive Card.
//
// E-mail goes through Amazon SES v2 in AWS ([SES]), an SMTP server locally ([SMTP]), or into
// .eml files in an outbox folder when no server is configured ([Outbox]). Teams messages go to
// a Teams Workflows webhook ([Teams]). Every button and link opens the confirmation page and
// never decides by itself, because scanners and link previews open links before people do.
//
// Texts come from approvals.TextsFor, in the tenant's language.
package notify
