package normalize

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Options carry what ticket normalisers need beyond the payload.
type Options struct {
	Mapping TicketMapping
	// Received is when the payload arrived; ticket events carry it as their envelope time.
	Received time.Time
}

type alertFunc func([]byte) ([]Result, error)
type ticketFunc func([]byte, TicketMapping, time.Time) ([]Result, error)

var alertSources = map[string]alertFunc{
	"guardduty":   GuardDuty,
	"securityhub": SecurityHub,
	"sentinel":    Sentinel,
	"defender":    Defender,
	"wazuh":       Wazuh,
}

var ticketSources = map[string]ticketFunc{
	"jira":            Jira,
	"servicenow":      ServiceNow,
	"freshdesk":       Freshdesk,
	"servicedeskplus": ServiceDeskPlus,
}

// Sources lists every source name Normalize accepts, sorted.
func Sources() []string {
	var names []string
	for n := range alertSources {
		names = append(names, n)
	}
	for n := range ticketSources {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// IsTicketSource reports whether source is a ticketing system.
func IsTicketSource(source string) bool {
	_, ok := ticketSources[source]
	return ok
}

// Normalize runs the normaliser of the named source.
func Normalize(source string, raw []byte, opts Options) ([]Result, error) {
	if f, ok := alertSources[source]; ok {
		return f(raw)
	}
	if f, ok := ticketSources[source]; ok {
		return f(raw, opts.Mapping, opts.Received)
	}
	return nil, fmt.Errorf("unknown event source %q: use one of %s", source, strings.Join(Sources(), ", "))
}

// Detect names the source of a payload from its shape, for payloads whose origin is not
// known from the endpoint (the events test command, events posted from the AWS default bus).
func Detect(raw []byte) (string, error) {
	body, err := decodeObject("event", raw)
	if err != nil {
		return "", err
	}
	switch {
	case str(body, "detail-type") == "GuardDuty Finding":
		return "guardduty", nil
	case strings.HasPrefix(str(body, "detail-type"), "Security Hub Findings"):
		return "securityhub", nil
	case strings.HasPrefix(str(body, "webhookEvent"), "jira:"):
		return "jira", nil
	case obj(body, "freshdesk_webhook") != nil:
		return "freshdesk", nil
	case obj(body, "request") != nil && (obj(body, "response_status") != nil || obj(body, "request.udf_fields") != nil):
		return "servicedeskplus", nil
	case str(body, "sys_id") != "" || str(body, "result.sys_id") != "":
		return "servicenow", nil
	case isSentinel(body):
		return "sentinel", nil
	case isDefender(body):
		return "defender", nil
	case obj(body, "rule") != nil || obj(body, "alert.rule") != nil || obj(body, "parameters.alert.rule") != nil:
		return "wazuh", nil
	}
	return "", &InputError{Source: "event", Message: "unrecognised payload: not a GuardDuty, Security Hub, Sentinel, Defender, Wazuh, Jira, ServiceNow, Freshdesk or ServiceDesk Plus event"}
}

func isSentinel(body map[string]any) bool {
	inc := body
	if o := obj(body, "object"); o != nil {
		inc = o
	}
	return strings.Contains(strings.ToLower(str(inc, "type")), "securityinsights/incidents") ||
		(obj(inc, "properties") != nil && str(inc, "properties.incidentNumber") != "")
}

func isDefender(body map[string]any) bool {
	inc := body
	if v := list(body, "value"); len(v) > 0 {
		if m, ok := v[0].(map[string]any); ok {
			inc = m
		}
	}
	return strings.Contains(odataType(inc), "security.incident") ||
		str(inc, "incidentId") != "" || str(inc, "incidentWebUrl") != ""
}
