package servicenow

import (
	"fmt"
	"strings"
)

// Tables lists the tables the adapter supports.
var Tables = []string{"incident", "sc_request", "sc_req_item"}

// incidentStates are the incident state choices of a base instance.
var incidentStates = map[string]string{
	"1": "New", "2": "In Progress", "3": "On Hold", "6": "Resolved", "7": "Closed", "8": "Canceled",
}

// taskStates are the task state choices sc_request and sc_req_item inherit.
var taskStates = map[string]string{
	"-5": "Pending", "1": "Open", "2": "Work in Progress", "3": "Closed Complete",
	"4": "Closed Incomplete", "7": "Closed Skipped",
}

// States returns the state choices of a table, value to label.
func States(table string) map[string]string {
	if table == "incident" {
		return incidentStates
	}
	return taskStates
}

// resolvedState is the state Resolve sets.
func resolvedState(table string) string {
	if table == "incident" {
		return "6"
	}
	return "3"
}

// StateLabel returns the label of a state value, or the value when it is unknown.
func StateLabel(table, value string) string {
	if label, ok := States(table)[value]; ok {
		return label
	}
	return value
}

// StateValue returns the value of a state label (case-insensitive) or accepts a known value.
func StateValue(table, status string) (string, error) {
	states := States(table)
	if _, ok := states[status]; ok {
		return status, nil
	}
	for value, label := range states {
		if strings.EqualFold(label, status) {
			return value, nil
		}
	}
	labels := make([]string, 0, len(states))
	for _, label := range states {
		labels = append(labels, label)
	}
	return "", fmt.Errorf("unknown %s state %q: use one of %s", table, status, strings.Join(labels, ", "))
}

// urgencyImpact maps a normalised priority to urgency and impact, from which ServiceNow
// computes the priority.
func urgencyImpact(priority string) (urgency, impact string, err error) {
	switch strings.ToLower(priority) {
	case "urgent":
		return "1", "1", nil
	case "high":
		return "1", "2", nil
	case "medium":
		return "2", "2", nil
	case "low", "":
		return "3", "3", nil
	}
	return "", "", fmt.Errorf("unknown priority %q: use low, medium, high or urgent", priority)
}
