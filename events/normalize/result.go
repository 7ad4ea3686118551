package normalize

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/secamo/orchestrator/events"
)

// Result is one canonical event produced from a payload.
type Result struct {
	// Envelope carries the canonical event for the tenant's bus.
	Envelope events.Envelope `json:"envelope"`
	// Original is the source event as it arrived on the AWS default bus, narrowed to this one
	// finding, for matching default-bus rules. It is nil for webhooks.
	Original json.RawMessage     `json:"original,omitempty"`
	Alert    *events.Alert       `json:"-"`
	Ticket   *events.TicketEvent `json:"-"`
}

// ID returns the canonical event id.
func (r Result) ID() string { return r.Envelope.ID }

func alertResult(source string, a events.Alert, original any) (Result, error) {
	if a.LastSeen.IsZero() {
		a.LastSeen = a.FirstSeen
	}
	env, err := a.Envelope()
	if err != nil {
		return Result{}, err
	}
	r := Result{Envelope: env, Alert: &a}
	if original != nil {
		b, err := json.Marshal(original)
		if err != nil {
			return Result{}, &InputError{Source: source, Message: fmt.Sprintf("re-encoding the source event: %v", err)}
		}
		r.Original = b
	}
	return r, nil
}

// digits keeps the digits of a timestamp, for ids: 2022-08-20T11:55:00.000Z becomes
// 20220820115500000.
func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// version returns an id part for a finding's version: the digits of its update time, or a
// hash of the raw value when it has no digits.
func version(updated string) string {
	if d := digits(updated); d != "" {
		return d
	}
	return events.ShortHash(updated)
}

// safeID keeps an identifier readable in an execution name when it is short and plain, and
// hashes it otherwise.
func safeID(id string) string {
	if len(id) <= 40 && events.ExecutionName(id) == id {
		return id
	}
	return events.ShortHash(id)
}

func firstTime(times ...time.Time) time.Time {
	for _, t := range times {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}
