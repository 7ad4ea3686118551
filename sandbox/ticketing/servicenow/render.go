package servicenow

import (
	"net/http"
	"strings"

	"github.com/secamo/orchestrator/sandbox/ticketing"
)

var incidentStates = map[string]string{"1": "New", "2": "In Progress", "3": "On Hold", "6": "Resolved", "7": "Closed", "8": "Canceled"}

var taskStates = map[string]string{"-5": "Pending", "1": "Open", "2": "Work in Progress", "3": "Closed Complete", "4": "Closed Incomplete", "7": "Closed Skipped"}

func states(table string) map[string]string {
	if table == "incident" {
		return incidentStates
	}
	return taskStates
}

// label returns the label of a state value, or "" when the value is not a choice.
func label(table, value string) string { return states(table)[value] }

func stateValue(table, label string) string {
	for value, l := range states(table) {
		if l == label {
			return value
		}
	}
	return "1"
}

func (s *Server) initialState() string {
	if s.opts.Table == "incident" {
		return "New"
	}
	return "Open"
}

func requesterField(table string) string {
	if table == "incident" {
		return "caller_id"
	}
	return "requested_for"
}

// values returns a record's fields as the Table API stores them.
func (s *Server) values(rec ticketing.Record) map[string]string {
	v := map[string]string{
		"sys_id": rec.ID, "number": rec.Key, "short_description": rec.Subject,
		"description": rec.Description, "state": stateValue(s.opts.Table, rec.Status),
		"urgency": rec.Priority, "close_notes": rec.Resolution, "sys_class_name": s.opts.Table,
		"sys_created_on": rec.Created.UTC().Format("2006-01-02 15:04:05"),
		"sys_updated_on": rec.Updated.UTC().Format("2006-01-02 15:04:05"),
		"comments":       "", "work_notes": "", "active": "true",
	}
	for k, val := range rec.Fields {
		v[k] = val
	}
	return v
}

// render writes a record as the Table API returns it: strings, references as {link, value}
// (or bare values with sysparm_exclude_reference_link) and only sysparm_fields when set.
func (s *Server) render(r *http.Request, rec ticketing.Record) map[string]any {
	values := s.values(rec)
	out := make(map[string]any, len(values)+2)
	for k, v := range values {
		out[k] = v
	}

	field := requesterField(s.opts.Table)
	userID := s.userID(rec.Requester)
	switch {
	case rec.Requester == "":
		out[field] = ""
	case r.URL.Query().Get("sysparm_exclude_reference_link") == "true":
		out[field] = userID
	default:
		out[field] = map[string]string{"link": "http://" + r.Host + "/api/now/table/sys_user/" + userID, "value": userID}
	}
	out[field+".email"] = rec.Requester

	fields := r.URL.Query().Get("sysparm_fields")
	if fields == "" {
		delete(out, field+".email")
		return out
	}
	picked := map[string]any{}
	for _, f := range strings.Split(fields, ",") {
		if v, ok := out[f]; ok {
			picked[f] = v
		} else {
			picked[f] = ""
		}
	}
	return picked
}
