package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// HandleEvent processes an event that an EventBridge rule delivered to the function running
// this handler: a GuardDuty or Security Hub finding from the account's default bus, for
// tenant. It takes the path of a POST to /webhooks/{tenant}/aws without the signature check,
// because IAM authenticates the delivery: only the rule may invoke the function. It returns
// the response body of a successful webhook. A rejected event and a failed start return an
// error, so that Lambda retries the invocation. Either way the event is kept in the quarantine.
func (h *Handler) HandleEvent(ctx context.Context, tenant string, event []byte) (*Response, error) {
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, "/webhooks/"+url.PathEscape(tenant)+"/aws", bytes.NewReader(event))
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
