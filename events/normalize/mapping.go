package normalize

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/secamo/orchestrator/events"
	"github.com/secamo/orchestrator/tenants"
)

// TicketMapping is the part of a tenant's configuration that ticket normalisers apply.
type TicketMapping struct {
	Rules []tenants.TicketRule
	// DefaultUser and DefaultEffectiveDate are the field paths used when a rule names none
	// (ticketing.fields.user and ticketing.fields.effectiveDate).
	DefaultUser          string
	DefaultEffectiveDate string
	// BaseURL is the ticketing system's address, for links where the webhook carries none.
	BaseURL string
	// Location is the tenant's time zone, for effective dates given as instants; nil is UTC.
	Location *time.Location
}

// MappingFor builds the ticket mapping of a tenant.
func MappingFor(c *tenants.Config) TicketMapping {
	m := TicketMapping{
		Rules:                c.Events.Tickets,
		DefaultUser:          c.Ticketing.Fields["user"],
		DefaultEffectiveDate: c.Ticketing.Fields["effectiveDate"],
		BaseURL:              strings.TrimRight(c.Ticketing.BaseURL, "/"),
	}
	if c.Timezone != "" {
		m.Location = loadLocation(c.Timezone)
	}
	return m
}

// locations caches time zones by name, because time.LoadLocation reads the zone database on
// every call and MappingFor runs once per webhook.
var locations sync.Map

// loadLocation returns the named zone, or nil when it is unknown (tenant validation reports
// that).
func loadLocation(name string) *time.Location {
	if loc, ok := locations.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil
	}
	locations.Store(name, loc)
	return loc
}

// classify applies the first matching rule to the ticket record and fills the event's kind,
// user, effective date, NeedsFetch and Problems, then its id and case key.
func (m TicketMapping) classify(t *events.TicketEvent, record map[string]any) {
	t.CaseKey = fmt.Sprintf("%s-%s", t.System, safeID(t.TicketID))
	rule, index, ok := m.match(t.System, record)
	if !ok {
		t.ID = t.CaseKey + "-unclassified"
		return
	}
	t.Kind = rule.Kind
	t.ID = fmt.Sprintf("%s-%s", t.CaseKey, rule.Kind)
	rulePath := fmt.Sprintf("events.tickets[%d]", index)

	userPath := firstNonEmpty(rule.User, m.DefaultUser)
	switch v, present := lookup(record, userPath); {
	case userPath == "":
		t.Problems = append(t.Problems, fmt.Sprintf("no user field is configured: set %s.user or ticketing.fields.user", rulePath))
	case !present:
		t.NeedsFetch = true
	default:
		t.User = userText(v)
		if t.User == "" {
			t.Problems = append(t.Problems, fmt.Sprintf("user field %s is empty", userPath))
		}
	}

	datePath := firstNonEmpty(rule.EffectiveDate, m.DefaultEffectiveDate)
	if datePath == "" {
		return
	}
	v, present := lookup(record, datePath)
	if !present {
		t.NeedsFetch = true
		return
	}
	date, err := m.date(v)
	if err != nil {
		t.Problems = append(t.Problems, fmt.Sprintf("effective date field %s: %v", datePath, err))
		return
	}
	t.EffectiveDate = date
}

func (m TicketMapping) match(system string, record map[string]any) (tenants.TicketRule, int, bool) {
	for i, r := range m.Rules {
		if r.System != "" && r.System != system {
			continue
		}
		if matchesAll(r.Match, record) {
			return r, i, true
		}
	}
	return tenants.TicketRule{}, 0, false
}

func matchesAll(match map[string][]string, record map[string]any) bool {
	for path, accepted := range match {
		v, ok := lookup(record, path)
		if !ok || !anyEqualFold(texts(v, nil), accepted) {
			return false
		}
	}
	return true
}

func anyEqualFold(values, accepted []string) bool {
	for _, v := range values {
		for _, a := range accepted {
			if strings.EqualFold(strings.TrimSpace(v), strings.TrimSpace(a)) {
				return true
			}
		}
	}
	return false
}

// matchKeys are the keys whose value stands for an object in a match: Jira options carry
// "value", ServiceDesk Plus and most references "name", ServiceNow references "value".
var matchKeys = []string{"value", "name", "display_value", "displayName"}

// texts flattens a field value to the strings a match rule compares.
func texts(v any, out []string) []string {
	switch x := v.(type) {
	case []any:
		for _, item := range x {
			out = texts(item, out)
		}
	case map[string]any:
		for _, k := range matchKeys {
			if s := scalarString(x[k]); s != "" {
				return append(out, s)
			}
		}
	default:
		if s := scalarString(x); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// userKeys are the keys read from a user object, most specific first: Jira user pickers carry
// emailAddress, ServiceDesk Plus users email_id.
var userKeys = []string{"emailAddress", "email_id", "email", "userPrincipalName", "value", "name", "display_value", "displayName", "accountId"}

func userText(v any) string {
	switch x := v.(type) {
	case []any:
		if len(x) > 0 {
			return userText(x[0])
		}
	case map[string]any:
		for _, k := range userKeys {
			if s := strings.TrimSpace(scalarString(x[k])); s != "" {
				return s
			}
		}
	default:
		return strings.TrimSpace(scalarString(x))
	}
	return ""
}

// date reads an effective date: YYYY-MM-DD as written, or an instant (RFC 3339, Jira's
// offset form, ServiceNow's "YYYY-MM-DD hh:mm:ss" in UTC, or epoch milliseconds as
// ServiceDesk Plus sends in {display_value, value}) converted to the tenant's time zone.
// Day-month forms such as 01/02/2026 are rejected because their order is ambiguous.
func (m TicketMapping) date(v any) (string, error) {
	if o, ok := v.(map[string]any); ok {
		v = o["value"]
	}
	s := strings.TrimSpace(scalarString(v))
	if s == "" {
		return "", fmt.Errorf("empty")
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return d.Format(time.DateOnly), nil
	}
	loc := m.Location
	if loc == nil {
		loc = time.UTC
	}
	if t := parseTime(s); !t.IsZero() {
		return t.In(loc).Format(time.DateOnly), nil
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil && len(s) >= 10 && len(s) <= 14 {
		return time.UnixMilli(ms).In(loc).Format(time.DateOnly), nil
	}
	return "", fmt.Errorf("%q is not a date: write YYYY-MM-DD", truncate(s, 40))
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
