package freshdesk

import "testing"

func FuzzParseTicket(f *testing.F) {
	f.Add([]byte(`{"id":42,"subject":"x","status":2,"custom_fields":{"cf_a":1,"cf_b":null},"created_at":"2026-12-04T09:00:00Z"}`))
	f.Add([]byte(`{"freshdesk_webhook":{"ticket_id":"11"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ParseTicket(data, "https://acme.freshdesk.com")
		if err == nil && got.ID == "" {
			t.Errorf("ParseTicket(%q) returned a ticket without an id", data)
		}
	})
}
