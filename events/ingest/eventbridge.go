package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/secamo/orchestrator/events"
	"github.com/secamo/orchestrator/events/normalize"
)

// HandleEvent processes an event that an EventBridge rule delivered to the function running
// this handler, for tenant: a GuardDuty or Security Hub finding from the account's default
// bus, or a canonical event from the tenant's bus. A finding takes the path of a POST to
// /webhooks/{tenant}/aws, and a canonical event is routed as it is, both without the
// signature check, because IAM authenticates the delivery: only the tenant's rules may invoke
// the function. It returns the response body of a successful webhook. A rejected event and a
// failed start return an error, so that Lambda retries the invocation. Either way the event
// is kept in the quarantine.
func (h *Handler) HandleEvent(ctx context.Context, tenant string, event []byte) (*Response, error) {
	system := "aws"
	if isCanonical(event) {
		system = systemBus
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, "/webhooks/"+url.PathEscape(tenant)+"/"+system, bytes.NewReader(event))
	if err != nil {
		return nil, fmt.Errorf("invalid tenant name %q: %w", tenant, err)
	}
	r.Header.Set("Content-Type", "application/json")
	rec := &recorder{header: http.Header{}}
	q := &request{h: h, w: rec, r: r, at: h.clock().Now(), trusted: true}
	q.serve()
	if rec.status != http.StatusOK {
		var e ErrorResponse
		_ = json.Unmarshal(rec.body.Bytes(), &e)
		if e.Quarantined != "" {
			return nil, fmt.Errorf("event for tenant %q rejected with status %d: %s (kept in the quarantine as %s)", tenant, rec.status, e.Error, e.Quarantined)
		}
		return nil, fmt.Errorf("event for tenant %q rejected with status %d: %s", tenant, rec.status, e.Error)
	}
	var resp Response
	if err := json.Unmarshal(rec.body.Bytes(), &resp); err != nil {
		return nil, fmt.Errorf("reading the handler's response: %w", err)
	}
	return &resp, nil
}

// recorder is the http.ResponseWriter of HandleEvent, which has no HTTP connection.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.body.Write(b)
}

// systemBus is the system of canonical events that EventBridge delivers from the tenant's
// bus. It has no webhook path of its own.
const systemBus = "bus"

// isCanonical reports whether event is a canonical event, by its source.
func isCanonical(event []byte) bool {
	var probe struct {
		Source string `json:"source"`
	}
	return json.Unmarshal(event, &probe) == nil && (probe.Source == events.SourceAlerts || probe.Source == events.SourceTickets)
}

// canonicalResult reads a canonical event from the tenant's bus. Its id comes from the
// detail, because PutEvents gives the envelope an id of its own.
func canonicalResult(body []byte) ([]normalize.Result, error) {
	var env events.Envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("invalid canonical event: %w", err)
	}
	var res normalize.Result
	var target any
	switch env.Source {
	case events.SourceAlerts:
		res.Alert = &events.Alert{}
		target = res.Alert
	case events.SourceTickets:
		res.Ticket = &events.TicketEvent{}
		target = res.Ticket
	default:
		return nil, fmt.Errorf("invalid canonical event: source %q, want %s or %s", env.Source, events.SourceAlerts, events.SourceTickets)
	}
	if err := json.Unmarshal(env.Detail, target); err != nil {
		return nil, fmt.Errorf("invalid canonical event: detail: %w", err)
	}
	var detail struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(env.Detail, &detail); err != nil || detail.ID == "" {
		return nil, fmt.Errorf("invalid canonical event: detail.id is missing; it names the execution")
	}
	env.ID = detail.ID
	res.Envelope = env
	return []normalize.Result{res}, nil
}
