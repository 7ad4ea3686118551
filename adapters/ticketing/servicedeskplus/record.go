package servicedeskplus

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/secamo/orchestrator/adapters/ticketing"
)

// request is a request as API v3 returns it; fields the adapter does not read are left out.
type request struct {
	ID          string `json:"id"`
	DisplayID   string `json:"display_id"`
	Subject     string `json:"subject"`
	Description string `json:"description"`
	Status      *named `json:"status"`
	Requester   *struct {
		Name    string `json:"name"`
		EmailID string `json:"email_id"`
	} `json:"requester"`
	CreatedTime *timeValue                 `json:"created_time"`
	UDFFields   map[string]json.RawMessage `json:"udf_fields"`
}

type named struct {
	Name string `json:"name"`
}

// timeValue is {display_value, value} with value in epoch milliseconds as a string.
type timeValue struct {
	DisplayValue string `json:"display_value"`
	Value        string `json:"value"`
}

func (t *timeValue) time() time.Time {
	if t == nil {
		return time.Time{}
	}
	ms, err := strconv.ParseInt(t.Value, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// ParseRequest converts a response {"request": {...}, "response_status": {...}} into the
// normalised ticket. baseURL builds the link and may be empty.
func ParseRequest(data []byte, baseURL string) (*ticketing.Ticket, error) {
	var body struct {
		Request        *request        `json:"request"`
		ResponseStatus json.RawMessage `json:"response_status"`
	}
	if err := json.Unmarshal(data, &body); err != nil {
		return nil, fmt.Errorf("reading ServiceDesk Plus request: %w", err)
	}
	status, ok, err := readStatus(body.ResponseStatus)
	if err != nil {
		return nil, fmt.Errorf("reading ServiceDesk Plus response_status: %w", err)
	}
	if ok && status.StatusCode != codeSuccess {
		return nil, fmt.Errorf("ServiceDesk Plus reported failure: %s", status.message())
	}
	if body.Request == nil {
		return nil, errors.New(`reading ServiceDesk Plus request: missing "request" object`)
	}
	return body.Request.normalise(baseURL)
}

func (r *request) normalise(baseURL string) (*ticketing.Ticket, error) {
	if r.ID == "" {
		return nil, errors.New("reading ServiceDesk Plus request: missing id")
	}
	t := &ticketing.Ticket{
		ID:          r.ID,
		Key:         r.DisplayID,
		Subject:     r.Subject,
		Description: plainText(r.Description),
		CreatedAt:   r.CreatedTime.time(),
	}
	if baseURL != "" {
		t.URL = baseURL + "/ui/requests/" + r.ID + "/details"
	}
	if r.Status != nil {
		t.Status = r.Status.Name
	}
	if r.Requester != nil {
		t.Requester = r.Requester.EmailID
		if t.Requester == "" {
			t.Requester = r.Requester.Name
		}
	}
	for name, raw := range r.UDFFields {
		if value, ok := udfValue(raw); ok {
			if t.Fields == nil {
				t.Fields = make(map[string]string)
			}
			// Keyed as tenants write the field (udf_fields.udf_sline_301), so a workflow finds
			// it under the name the tenant's field mapping gives.
			t.Fields["udf_fields."+name] = value
		}
	}
	return t, nil
}

// udfValue reads a user-defined field in either format: a plain value (older builds) or an
// object with value, display_value or name (newer builds, and date and pick-list fields).
func udfValue(raw json.RawMessage) (string, bool) {
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
	case map[string]any:
		for _, key := range []string{"value", "name", "display_value"} {
			if s, ok := v[key].(string); ok && s != "" {
				return s, true
			}
		}
		return "", false
	}
	return string(raw), true
}

var (
	htmlBreak = regexp.MustCompile(`(?i)<br\s*/?>|</(p|div|li)>`)
	htmlTag   = regexp.MustCompile(`<[^>]*>`)
)

// plainText turns SDP's HTML descriptions into plain text.
func plainText(s string) string {
	s = htmlBreak.ReplaceAllString(s, "\n")
	s = htmlTag.ReplaceAllString(s, "")
	return strings.TrimSpace(html.UnescapeString(s))
}

// htmlText turns plain text into HTML for descriptions and notes.
func htmlText(s string) string {
	return strings.ReplaceAll(html.EscapeString(s), "\n", "<br>")
}
