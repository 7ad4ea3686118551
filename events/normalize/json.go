package normalize

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// InputError is a payload that a normaliser cannot use, with what is wrong and where.
type InputError struct {
	// Source is the normaliser: guardduty, securityhub, jira...
	Source string
	// Field is the JSON path of the problem, empty for the whole payload.
	Field   string
	Message string
}

func (e *InputError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("invalid %s payload: %s", e.Source, e.Message)
	}
	return fmt.Sprintf("invalid %s payload: %s: %s", e.Source, e.Field, e.Message)
}

// decodeObject decodes a JSON object with numbers as json.Number.
func decodeObject(source string, raw []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, &InputError{Source: source, Message: fmt.Sprintf("not valid JSON: %v", err)}
	}
	if dec.More() {
		return nil, &InputError{Source: source, Message: "unexpected data after the JSON object"}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, &InputError{Source: source, Message: "expected a JSON object"}
	}
	return obj, nil
}

// lookup follows a dot-separated path through nested objects.
func lookup(v any, path string) (any, bool) {
	if path == "" {
		return v, true
	}
	for _, key := range strings.Split(path, ".") {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		v, ok = obj[key]
		if !ok {
			return nil, false
		}
	}
	return v, true
}

// str returns the value at path as a string: strings as they are, numbers and booleans as
// written, anything else as "".
func str(v any, path string) string {
	x, _ := lookup(v, path)
	return scalarString(x)
}

func scalarString(x any) string {
	switch s := x.(type) {
	case string:
		return s
	case json.Number:
		return s.String()
	case bool:
		return strconv.FormatBool(s)
	}
	return ""
}

// firstStr returns the first non-empty string among the paths.
func firstStr(v any, paths ...string) string {
	for _, p := range paths {
		if s := str(v, p); s != "" {
			return s
		}
	}
	return ""
}

func obj(v any, path string) map[string]any {
	x, _ := lookup(v, path)
	m, _ := x.(map[string]any)
	return m
}

func list(v any, path string) []any {
	x, _ := lookup(v, path)
	l, _ := x.([]any)
	return l
}

// number returns the value at path as a float64; ok is false when absent or not numeric.
// Numeric strings are accepted, because several sources quote numbers.
func number(v any, path string) (float64, bool) {
	x, _ := lookup(v, path)
	var s string
	switch n := x.(type) {
	case json.Number:
		s = n.String()
	case string:
		s = strings.TrimSpace(n)
	default:
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return f, true
}

// timestamp parses the value at path as RFC 3339 or one of the layouts sources use; the zero
// time means absent or unparseable.
func timestamp(v any, path string) time.Time {
	return parseTime(str(v, path))
}

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700", // Jira, Wazuh: offset without a colon
	"2006-01-02T15:04:05.9999999",        // Microsoft APIs without a zone: UTC
	"2006-01-02 15:04:05",                // ServiceNow, UTC
}

func parseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// set collects unique non-empty strings in insertion order.
type set struct {
	seen map[string]bool
	list []string
}

func (s *set) add(values ...string) {
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v == "" || s.seen[v] {
			continue
		}
		if s.seen == nil {
			s.seen = map[string]bool{}
		}
		s.seen[v] = true
		s.list = append(s.list, v)
	}
}
