package servicedeskplus

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/secamo/orchestrator/adapters/ticketing"
)

// Status codes in response_status and its messages.
const (
	codeSuccess      = 2000
	codeUnauthorised = 4002
	codeNotFound     = 4007
	codeRateLimited  = 4015
)

// responseStatus is response_status: an object for single-record calls, an array of them for
// list calls.
type responseStatus struct {
	StatusCode int    `json:"status_code"`
	Status     string `json:"status"`
	Messages   []struct {
		StatusCode int    `json:"status_code"`
		Field      string `json:"field"`
		Type       string `json:"type"`
		Message    string `json:"message"`
	} `json:"messages"`
}

// readStatus decodes response_status in either shape; ok is false when it is absent.
func readStatus(raw json.RawMessage) (status responseStatus, ok bool, err error) {
	if len(raw) == 0 || string(raw) == "null" {
		return responseStatus{}, false, nil
	}
	if raw[0] == '[' {
		var list []responseStatus
		if err := json.Unmarshal(raw, &list); err != nil {
			return responseStatus{}, false, err
		}
		for _, s := range list {
			if s.StatusCode != codeSuccess {
				return s, true, nil
			}
		}
		if len(list) == 0 {
			return responseStatus{}, false, nil
		}
		return list[0], true, nil
	}
	err = json.Unmarshal(raw, &status)
	return status, err == nil, err
}

// message joins the status's messages for an error.
func (s responseStatus) message() string {
	var parts []string
	for _, m := range s.Messages {
		part := fmt.Sprintf("%d %s", m.StatusCode, m.Message)
		if m.Field != "" {
			part += " (field " + m.Field + ")"
		}
		parts = append(parts, strings.TrimSpace(part))
	}
	if len(parts) == 0 {
		return fmt.Sprintf("status_code %d %s", s.StatusCode, s.Status)
	}
	return fmt.Sprintf("status_code %d: %s", s.StatusCode, strings.Join(parts, "; "))
}

// typedError classifies a failure status by its message codes.
func (s responseStatus) typedError(operation, ticketID string) error {
	for _, m := range s.Messages {
		switch m.StatusCode {
		case codeUnauthorised:
			return &ticketing.PermissionDenied{Operation: operation, Detail: s.message()}
		case codeNotFound:
			if ticketID != "" {
				return &ticketing.TicketNotFound{ID: ticketID}
			}
		case codeRateLimited:
			return &ticketing.Throttled{}
		}
	}
	return &ticketing.InvalidTicketData{Detail: s.message()}
}

// errorMessage reads response_status from an error body for httpx.
func errorMessage(body []byte) string {
	var envelope struct {
		ResponseStatus json.RawMessage `json:"response_status"`
	}
	if json.Unmarshal(body, &envelope) != nil {
		return ""
	}
	status, ok, err := readStatus(envelope.ResponseStatus)
	if err != nil || !ok {
		return ""
	}
	return status.message()
}
