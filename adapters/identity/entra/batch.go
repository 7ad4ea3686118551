package entra

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	abs "github.com/microsoft/kiota-abstractions-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
)

// maxBatchSize is Graph's limit of requests in one $batch.
const maxBatchSize = 20

// batchStep is one request of a $batch, with an id the caller chooses.
type batchStep struct {
	id        string
	request   *abs.RequestInformation
	dependsOn []string
}

// batchResult is the response to one step.
type batchResult struct {
	status  int
	headers map[string]string
	body    map[string]any
}

func (r batchResult) ok() bool { return r.status >= 200 && r.status < 300 }

// err returns the step's failure as a graphError, or nil for a success.
func (r batchResult) err() error {
	if r.ok() {
		return nil
	}
	ge := &graphError{status: r.status, retryAfter: header(r.headers, "Retry-After")}
	var body struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if r.decode(&body) == nil {
		ge.code, ge.message = body.Error.Code, body.Error.Message
	}
	if ge.message == "" {
		ge.message = http.StatusText(r.status)
	}
	return ge
}

// decode parses the step's JSON body into v. The SDK hands the body over as a map whose
// strings and booleans are pointers, so it goes through JSON again.
// NOTE: msgraph-sdk-go-core v1.4.0 drops numbers from batch response bodies (its
// deserializeValue returns nil for them), so no caller may decode a number here.
func (r batchResult) decode(v any) error {
	b, err := json.Marshal(r.body)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func header(headers map[string]string, name string) string {
	for k, v := range headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// runBatch sends the steps in $batch requests of at most 20 and returns each step's result by
// id, whatever order Graph returns them in. Steps that got 429, and the steps that failed with
// 424 because they depend on one, are sent again after the longest Retry-After among them. That
// happens up to the client's retry count, and only while the wait is within MaxWait; after
// that they keep their 429. A step must come after the steps it depends on, in the same chunk
// of 20. The error is set only when a whole $batch failed.
func (c *Client) runBatch(ctx context.Context, steps []batchStep) (map[string]batchResult, error) {
	results := make(map[string]batchResult, len(steps))
	for start := 0; start < len(steps); start += maxBatchSize {
		pending := steps[start:min(start+maxBatchSize, len(steps))]
		for attempt := 0; len(pending) > 0; attempt++ {
			if err := c.sendBatch(ctx, pending, results); err != nil {
				return results, err
			}
			again, wait := throttledSteps(pending, results, c.clock.Now())
			if len(again) == 0 || attempt >= c.retries || wait > c.maxWait {
				break
			}
			c.log.InfoContext(ctx, "graph throttled batch items; retrying", slog.Int("items", len(again)), slog.Duration("retryAfter", wait))
			if err := c.clock.Sleep(ctx, wait); err != nil {
				return results, fmt.Errorf("waiting to retry throttled batch items: %w", err)
			}
			pending = again
		}
	}
	return results, nil
}

func (c *Client) sendBatch(ctx context.Context, steps []batchStep, results map[string]batchResult) error {
	batch := msgraphcore.NewBatchRequest(c.adapter)
	for _, s := range steps {
		item, err := batch.AddBatchRequestStep(*s.request)
		if err != nil {
			return fmt.Errorf("adding batch request %q: %w", s.id, err)
		}
		id := s.id
		item.SetId(&id)
		if len(s.dependsOn) > 0 {
			item.SetDependsOn(s.dependsOn)
		}
	}
	resp, err := batch.Send(ctx, c.adapter)
	if err != nil {
		return c.classify(err, "batch", "")
	}
	for _, s := range steps {
		item := resp.GetResponseById(s.id)
		if item == nil || item.GetStatus() == nil {
			results[s.id] = batchResult{status: http.StatusBadGateway, body: map[string]any{"error": map[string]any{
				"message": "the $batch response has no response for this request",
			}}}
			continue
		}
		results[s.id] = batchResult{status: int(*item.GetStatus()), headers: item.GetHeaders(), body: item.GetBody()}
	}
	return nil
}

// throttledSteps returns the steps to send again, with the dependencies that succeeded
// dropped, and how long to wait first.
func throttledSteps(steps []batchStep, results map[string]batchResult, now time.Time) ([]batchStep, time.Duration) {
	again := map[string]bool{}
	var wait time.Duration
	var out []batchStep
	for _, s := range steps {
		r := results[s.id]
		retry := retryable(r.status)
		if r.status == http.StatusFailedDependency {
			for _, dep := range s.dependsOn {
				retry = retry || again[dep]
			}
		}
		if !retry {
			continue
		}
		again[s.id] = true
		wait = max(wait, retryDelay(header(r.headers, "Retry-After"), 0, now))
		s.dependsOn = keepIf(s.dependsOn, func(dep string) bool { return again[dep] })
		out = append(out, s)
	}
	return out, wait
}

func keepIf(ids []string, keep func(string) bool) []string {
	var out []string
	for _, id := range ids {
		if keep(id) {
			out = append(out, id)
		}
	}
	return out
}
