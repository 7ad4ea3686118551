package freshdesk

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/secamo/orchestrator/adapters/ticketing"
)

// ticketRecord is a ticket as the API returns it.
type ticketRecord struct {
	ID              int64                      `json:"id"`
	Subject         string                     `json:"subject"`
	Description     string                     `json:"description"`
	DescriptionText string                     `json:"description_text"`
	Status          int                        `json:"status"`
	Priority        int                        `json:"priority"`
	RequesterID     int64                      `json:"requester_id"`
	Requester       *struct{ Email string }    `json:"requester"`
	Tags            []string                   `json:"tags"`
	CustomFields    map[string]json.RawMessage `json:"custom_fields"`
	CreatedAt       time.Time                  `json:"created_at"`
}

// ParseTicket converts a ticket as GET /api/v2/tickets/{id} returns it into the normalised
// ticket. baseURL builds the agent link; it may be empty.
func ParseTicket(data []byte, baseURL string) (*ticketing.Ticket, error) {
	var rec ticketRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, fmt.Errorf("reading Freshdesk ticket: %w", err)
	}
	if rec.ID == 0 {
		return nil, fmt.Errorf("reading Freshdesk ticket: missing id")
	}
	return rec.normalise(baseURL), nil
}

func (rec ticketRecord) normalise(baseURL string) *ticketing.Ticket {
	id := strconv.FormatInt(rec.ID, 10)
	t := &ticketing.Ticket{
		ID:          id,
		Key:         "#" + id,
		Subject:     rec.Subject,
		Description: rec.DescriptionText,
		Status:      StatusName(rec.Status),
		CreatedAt:   rec.CreatedAt,
	}
	if t.Description == "" {
		t.Description = rec.Description
	}
	if baseURL != "" {
		t.URL = baseURL + "/a/tickets/" + id
	}
	if rec.Requester != nil {
		t.Requester = rec.Requester.Email
	}
	for name, raw := range rec.CustomFields {
		if value, ok := plainValue(raw); ok {
			if t.Fields == nil {
				t.Fields = make(map[string]string)
			}
			t.Fields[name] = value
		}
	}
	return t
}

// plainValue renders a custom field value as a string; null gives false.
func plainValue(raw json.RawMessage) (string, bool) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil || v == nil {
		return "", false
	}
	switch v := v.(type) {
	case string:
		return v, true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(v), true
	default:
		return string(raw), true
	}
}
