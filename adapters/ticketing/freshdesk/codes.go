package freshdesk

import (
	"fmt"
	"strconv"
	"strings"
)

// Statuses maps Freshdesk's default status codes to their names. Codes 6 and 7 are the
// default custom statuses of a new helpdesk; an account can rename them or add more.
var Statuses = map[int]string{
	2: "Open",
	3: "Pending",
	4: "Resolved",
	5: "Closed",
	6: "Waiting on Customer",
	7: "Waiting on Third Party",
}

// Priorities maps Freshdesk's priority codes to the normalised priority names.
var Priorities = map[int]string{1: "low", 2: "medium", 3: "high", 4: "urgent"}

// StatusName returns the name of a status code, or the code itself when it is unknown.
func StatusName(code int) string {
	if name, ok := Statuses[code]; ok {
		return name
	}
	return strconv.Itoa(code)
}

// StatusCode returns the code of a status name (case-insensitive) or of a numeric string.
func StatusCode(status string) (int, error) {
	for code, name := range Statuses {
		if strings.EqualFold(name, status) {
			return code, nil
		}
	}
	if code, err := strconv.Atoi(status); err == nil && code >= 2 {
		return code, nil
	}
	return 0, fmt.Errorf("unknown Freshdesk status %q: use Open, Pending, Resolved, Closed or a numeric status code", status)
}

// PriorityCode returns the code of a normalised priority; empty means low.
func PriorityCode(priority string) (int, error) {
	if priority == "" {
		return 1, nil
	}
	for code, name := range Priorities {
		if strings.EqualFold(name, priority) {
			return code, nil
		}
	}
	return 0, fmt.Errorf("unknown priority %q: use low, medium, high or urgent", priority)
}
