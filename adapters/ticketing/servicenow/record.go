package servicenow

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/secamo/orchestrator/adapters/ticketing"
)

// timeLayout is the Table API's date-time format. Values are in the API user's time zone.
//
// NOTE: the adapter reads them as UTC, so an API user with another time zone in its profile
// gets shifted CreatedAt values.
const timeLayout = "2006-01-02 15:04:05"

// standardFields are the fields read into the normalised ticket itself, so Fields leaves
// them out along with system fields (sys_*).
var standardFields = map[string]bool{
	"sys_id": true, "number": true, "short_description": true, "description": true,
	"state": true, "caller_id": true, "requested_for": true, "opened_by": true,
}

// ParseRecord converts a Table API response {"result": {...}} into the normalised ticket.
// table selects the state labels; baseURL builds the link and may be empty.
func ParseRecord(data []byte, table, baseURL string) (*ticketing.Ticket, error) {
	var body struct {
		Result map[string]json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(data, &body); err != nil {
		return nil, fmt.Errorf("reading ServiceNow record: %w", err)
	}
	if body.Result == nil {
		return nil, errors.New(`reading ServiceNow record: missing "result" object`)
	}
	return normalise(body.Result, table, baseURL)
}

func normalise(rec map[string]json.RawMessage, table, baseURL string) (*ticketing.Ticket, error) {
	values := make(map[string]string, len(rec))
	for name, raw := range rec {
		values[name] = fieldValue(raw)
	}
	if values["sys_id"] == "" {
		return nil, errors.New("reading ServiceNow record: missing sys_id")
	}
	if class := values["sys_class_name"]; class != "" {
		table = class
	}
	t := &ticketing.Ticket{
		ID:          values["sys_id"],
		Key:         values["number"],
		Subject:     values["short_description"],
		Description: values["description"],
		Status:      StateLabel(table, values["state"]),
		Requester:   requester(values, table),
	}
	if baseURL != "" {
		t.URL = fmt.Sprintf("%s/nav_to.do?uri=%s.do?sys_id=%s", baseURL, table, t.ID)
	}
	if created, err := time.Parse(timeLayout, values["sys_created_on"]); err == nil {
		t.CreatedAt = created
	}
	for name, value := range values {
		if standardFields[name] || strings.HasPrefix(name, "sys_") || strings.Contains(name, ".") || value == "" {
			continue
		}
		if t.Fields == nil {
			t.Fields = make(map[string]string)
		}
		t.Fields[name] = value
	}
	return t, nil
}

// requesterField is the reference to the person the ticket is for.
func requesterField(table string) string {
	switch table {
	case "incident":
		return "caller_id"
	case "sc_req_item", "sc_request":
		return "requested_for"
	}
	return "opened_by"
}

// requester prefers the dot-walked e-mail address and falls back to the reference value.
func requester(values map[string]string, table string) string {
	field := requesterField(table)
	if email := values[field+".email"]; email != "" {
		return email
	}
	return values[field]
}

// fieldValue reads a Table API value: a string, a {link, value} reference or a
// {display_value, value} pair when display values are requested.
func fieldValue(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var ref struct {
		Value        *string `json:"value"`
		DisplayValue *string `json:"display_value"`
	}
	if json.Unmarshal(raw, &ref) == nil && ref.Value != nil {
		return *ref.Value
	}
	var other any
	if json.Unmarshal(raw, &other) == nil && other != nil {
		return strings.TrimSpace(string(raw))
	}
	return ""
}
