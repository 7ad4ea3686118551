package normalize

import (
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/secamo/orchestrator/events"
)

func ticketResult(t events.TicketEvent, received time.Time) ([]Result, error) {
	env, err := t.Envelope(received)
	if err != nil {
		return nil, err
	}
	return []Result{{Envelope: env, Ticket: &t}}, nil
}

// Jira normalises a Jira Cloud or Jira Service Management issue webhook
// (jira:issue_created, jira:issue_updated, jira:issue_deleted). Field paths of the mapping are
// read from issue.fields, where request fields arrive as customfield_NNNNN.
func Jira(raw []byte, m TicketMapping, received time.Time) ([]Result, error) {
	const source = "jira"
	body, err := decodeObject(source, raw)
	if err != nil {
		return nil, err
	}
	event := str(body, "webhookEvent")
	action, ok := strings.CutPrefix(event, "jira:issue_")
	if !ok {
		return nil, &InputError{Source: source, Field: "webhookEvent", Message: fmt.Sprintf("%q is not an issue event: subscribe the webhook to issue created and updated only", event)}
	}
	issue := obj(body, "issue")
	id := str(issue, "id")
	if id == "" {
		return nil, &InputError{Source: source, Field: "issue.id", Message: "missing issue id"}
	}

	fields := obj(issue, "fields")
	t := events.TicketEvent{
		System:    source,
		TicketID:  id,
		TicketKey: str(issue, "key"),
		Action:    action,
		Subject:   str(fields, "summary"),
		Text:      jiraText(fields["description"]),
		Status:    str(fields, "status.name"),
		Requester: firstStr(fields, "reporter.emailAddress", "reporter.displayName", "creator.emailAddress"),
	}

	if u, err := url.Parse(str(issue, "self")); err == nil && u.Host != "" && t.TicketKey != "" {
		t.URL = fmt.Sprintf("%s://%s/browse/%s", u.Scheme, u.Host, t.TicketKey)
	}
	if fields == nil {
		t.NeedsFetch = true
		fields = map[string]any{}
	}
	m.classify(&t, fields)
	return ticketResult(t, received)
}

// jiraText returns a description as text: Jira's REST API v2 sends a string, v3 an Atlassian
// Document Format tree whose text nodes are joined with spaces.
func jiraText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	var parts []string
	var walk func(any)
	walk = func(n any) {
		switch x := n.(type) {
		case map[string]any:
			if s, ok := x["text"].(string); ok {
				parts = append(parts, s)
			}
			walk(x["content"])
		case []any:
			for _, item := range x {
				walk(item)
			}
		}
	}
	walk(v)
	return strings.Join(parts, " ")
}

// ServiceNow normalises a ServiceNow webhook. The customer writes its body in a business rule
// or flow, so only sys_id is required. A Table API record in "result" is accepted too. When
// the mapped fields are absent, the event is marked NeedsFetch.
func ServiceNow(raw []byte, m TicketMapping, received time.Time) ([]Result, error) {
	const source = "servicenow"
	body, err := decodeObject(source, raw)
	if err != nil {
		return nil, err
	}
	record := body
	if r := obj(body, "result"); r != nil {
		record = r
	}
	id := str(record, "sys_id")
	if id == "" {
		return nil, &InputError{Source: source, Field: "sys_id", Message: "missing sys_id: the business rule must send the record's sys_id"}
	}

	table := firstStr(record, "sys_class_name", "table")
	if table == "" {
		table = str(body, "table")
	}
	t := events.TicketEvent{
		System:    source,
		TicketID:  id,
		TicketKey: str(record, "number"),
		Action:    serviceNowAction(firstStr(body, "action", "operation")),
		Subject:   str(record, "short_description"),
		Text:      str(record, "description"),
		Status:    firstStr(record, "state.display_value", "state"),
		Requester: firstStr(record, "requested_for.value", "caller_id.value", "opened_by.value", "requested_for", "caller_id", "opened_by"),
	}

	if m.BaseURL != "" && table != "" {
		t.URL = fmt.Sprintf("%s/nav_to.do?uri=%s", m.BaseURL, url.QueryEscape(table+".do?sys_id="+id))
	}
	m.classify(&t, record)
	if t.Subject == "" {
		// A body without short_description is the small notification form.
		t.NeedsFetch = true
	}
	return ticketResult(t, received)
}

func serviceNowAction(op string) string {
	switch strings.ToLower(op) {
	case "insert", "created", "create":
		return "created"
	case "delete", "deleted":
		return "deleted"
	}
	return "updated"
}

// Freshdesk normalises a Freshdesk automation-rule webhook. The admin writes its body from
// placeholders, so ids arrive as strings, statuses as display names, and triggered_event in a
// mini-syntax such as {status:{from:4,to:6}} that is not JSON.
func Freshdesk(raw []byte, m TicketMapping, received time.Time) ([]Result, error) {
	const source = "freshdesk"
	body, err := decodeObject(source, raw)
	if err != nil {
		return nil, err
	}
	record := body
	if w := obj(body, "freshdesk_webhook"); w != nil {
		record = w
	}
	id := strings.TrimPrefix(str(record, "ticket_id"), "#")
	if id == "" {
		return nil, &InputError{Source: source, Field: "freshdesk_webhook.ticket_id", Message: "missing ticket id: add {{ticket.id}} to the webhook body"}
	}

	trigger, err := ParseTriggeredEvent(str(record, "triggered_event"))
	if err != nil {
		return nil, &InputError{Source: source, Field: "freshdesk_webhook.triggered_event", Message: err.Error()}
	}

	action := "updated"
	if trigger["ticket_action"] == "created" {
		action = "created"
	}
	t := events.TicketEvent{
		System:    source,
		TicketID:  id,
		TicketKey: "#" + id,
		URL:       firstStr(record, "ticket_url", "ticket_portal_url"),
		Action:    action,
		Subject:   str(record, "ticket_subject"),
		Text:      htmlText(str(record, "ticket_description")),
		Status:    str(record, "ticket_status"),
		Requester: firstStr(record, "requester_email", "requester_name"),
	}
	m.classify(&t, record)
	return ticketResult(t, received)
}

// ServiceDeskPlus normalises a ServiceDesk Plus API v3 request, as its custom triggers and
// webhooks send it: {"request": {...}} with 18-digit string ids and times as
// {display_value, value}, optionally with response_status. Field paths are read from request.
func ServiceDeskPlus(raw []byte, m TicketMapping, received time.Time) ([]Result, error) {
	const source = "servicedeskplus"
	body, err := decodeObject(source, raw)
	if err != nil {
		return nil, err
	}
	if status := obj(body, "response_status"); status != nil {
		if code := str(status, "status_code"); code != "" && code != "2000" {
			return nil, &InputError{Source: source, Field: "response_status.status_code", Message: fmt.Sprintf("%s is not a successful response (2000)", code)}
		}
	}
	request := obj(body, "request")
	if request == nil {
		return nil, &InputError{Source: source, Field: "request", Message: "missing request object"}
	}
	id := str(request, "id")
	if id == "" {
		return nil, &InputError{Source: source, Field: "request.id", Message: "missing request id"}
	}

	t := events.TicketEvent{
		System:    source,
		TicketID:  id,
		TicketKey: firstStr(request, "display_id.display_value", "display_id"),
		Action:    sdpAction(body, request),
		Subject:   str(request, "subject"),
		Text:      htmlText(str(request, "description")),
		Status:    str(request, "status.name"),
		Requester: firstStr(request, "requester.email_id", "requester.name"),
	}
	if m.BaseURL != "" {
		// NOTE: the portal path is the Cloud edition's; on-premises editions use
		// WorkOrder.do?woMode=viewWO&woID=ID.
		t.URL = fmt.Sprintf("%s/app/itdesk/ui/requests/%s/details", m.BaseURL, url.PathEscape(id))
	}
	m.classify(&t, request)
	return ticketResult(t, received)
}

func sdpAction(body, request map[string]any) string {
	switch strings.ToLower(firstStr(body, "event", "operation")) {
	case "create", "created", "request_create":
		return "created"
	case "update", "updated", "request_update":
		return "updated"
	}
	created, updated := str(request, "created_time.value"), str(request, "last_updated_time.value")
	if created != "" && (updated == "" || updated == created) {
		return "created"
	}
	return "updated"
}

var (
	// htmlBreak matches tags that separate words: line breaks and the ends of blocks.
	htmlBreak = regexp.MustCompile(`(?i)<br\s*/?>|</(p|div|li|tr|td|h[1-6])\s*>`)
	htmlTag   = regexp.MustCompile(`<[^>]*>`)
)

// htmlText turns a ticket's HTML description into plain text on one line.
func htmlText(s string) string {
	s = htmlBreak.ReplaceAllString(s, " ")
	s = htmlTag.ReplaceAllString(s, "")
	return strings.Join(strings.Fields(html.UnescapeString(s)), " ")
}
