package jira

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/secamo/orchestrator/adapters/ticketing"
)

// timeLayout is Jira's date-time format, such as 2017-01-30T18:30:41.962+0100.
const timeLayout = "2006-01-02T15:04:05.000-0700"

// issue is an issue as /rest/api/3/issue returns it.
type issue struct {
	ID     string                     `json:"id"`
	Key    string                     `json:"key"`
	Fields map[string]json.RawMessage `json:"fields"`
}

// standardFields are read into the normalised ticket itself.
var standardFields = map[string]bool{
	"summary": true, "description": true, "status": true, "reporter": true, "created": true,
}

// ParseIssue converts an issue from GET /rest/api/3/issue/{key}, or the "issue" object of a
// jira:issue_* webhook, into the normalised ticket. baseURL builds the link; it may be empty.
func ParseIssue(data []byte, baseURL string) (*ticketing.Ticket, error) {
	var is issue
	if err := json.Unmarshal(data, &is); err != nil {
		return nil, fmt.Errorf("reading Jira issue: %w", err)
	}
	return is.normalise(baseURL)
}

func (is issue) normalise(baseURL string) (*ticketing.Ticket, error) {
	if is.ID == "" || is.Key == "" {
		return nil, errors.New("reading Jira issue: missing id or key")
	}
	t := &ticketing.Ticket{
		ID:          is.ID,
		Key:         is.Key,
		Subject:     stringField(is.Fields["summary"]),
		Description: adfText(is.Fields["description"]),
	}
	if baseURL != "" {
		t.URL = baseURL + "/browse/" + is.Key
	}
	var status struct{ Name string }
	if json.Unmarshal(is.Fields["status"], &status) == nil {
		t.Status = status.Name
	}
	var reporter struct {
		EmailAddress string `json:"emailAddress"`
		DisplayName  string `json:"displayName"`
	}
	if json.Unmarshal(is.Fields["reporter"], &reporter) == nil {
		// Jira hides the e-mail address of users whose profile visibility forbids it.
		t.Requester = reporter.EmailAddress
		if t.Requester == "" {
			t.Requester = reporter.DisplayName
		}
	}
	if created, err := time.Parse(timeLayout, stringField(is.Fields["created"])); err == nil {
		t.CreatedAt = created
	}
	for name, raw := range is.Fields {
		if standardFields[name] || !strings.HasPrefix(name, "customfield_") {
			continue
		}
		if value := customValue(raw); value != "" {
			if t.Fields == nil {
				t.Fields = make(map[string]string)
			}
			t.Fields[name] = value
		}
	}
	return t, nil
}

func stringField(raw json.RawMessage) string {
	var s string
	json.Unmarshal(raw, &s)
	return s
}

// customValue renders a custom field: text as is, options by value or name, rich text as
// plain text; null and empty objects give "".
func customValue(raw json.RawMessage) string {
	var v any
	if json.Unmarshal(raw, &v) != nil || v == nil {
		return ""
	}
	switch v := v.(type) {
	case string:
		return v
	case float64, bool:
		return string(raw)
	case map[string]any:
		if v["type"] == "doc" {
			return adfText(raw)
		}
		for _, key := range []string{"value", "name", "emailAddress", "displayName"} {
			if s, ok := v[key].(string); ok {
				return s
			}
		}
		return ""
	default:
		return string(raw)
	}
}
