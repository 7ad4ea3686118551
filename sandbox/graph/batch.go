package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// maxBatchRequests is Graph's limit of requests in one $batch.
const maxBatchRequests = 20

type batchRequestItem struct {
	ID        string            `json:"id"`
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers"`
	Body      json.RawMessage   `json:"body"`
	DependsOn []string          `json:"dependsOn"`
}

type batchResponseItem struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

func (s *Server) handleBatch(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Requests []batchRequestItem `json:"requests"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		s.writeError(w, http.StatusBadRequest, "BadRequest", "Invalid batch payload: "+err.Error())
		return
	}
	if err := validateBatch(in.Requests); err != nil {
		s.writeError(w, http.StatusBadRequest, "BadRequest", err.Error())
		return
	}

	statuses := map[string]int{}
	out := make([]batchResponseItem, 0, len(in.Requests))
	for _, item := range in.Requests {
		resp := s.runBatchItem(r, item, statuses)
		statuses[item.ID] = resp.Status
		out = append(out, resp)
	}
	// Graph does not promise any order of the responses; reversing them makes clients that
	// rely on the order fail here rather than in production.
	slices.Reverse(out)
	s.writeJSON(w, http.StatusOK, map[string]any{"responses": out})
}

func validateBatch(items []batchRequestItem) error {
	if len(items) == 0 {
		return errors.New("invalid batch payload: 'requests' is missing or empty")
	}
	if len(items) > maxBatchRequests {
		return fmt.Errorf("invalid batch payload: %d requests exceed the limit of %d", len(items), maxBatchRequests)
	}
	seen := map[string]bool{}
	for _, item := range items {
		if item.ID == "" || item.Method == "" || item.URL == "" {
			return errors.New("invalid batch payload: every request needs an id, a method and a url")
		}
		if seen[item.ID] {
			return fmt.Errorf("invalid batch payload: duplicate request id '%s'", item.ID)
		}
		for _, dep := range item.DependsOn {
			if !seen[dep] {
				return fmt.Errorf("invalid batch payload: request '%s' depends on '%s', which does not come before it", item.ID, dep)
			}
		}
		seen[item.ID] = true
	}
	return nil
}

// runBatchItem runs one request of a batch through the same handlers as a plain request.
func (s *Server) runBatchItem(outer *http.Request, item batchRequestItem, statuses map[string]int) batchResponseItem {
	rec := newRecorder()
	for _, dep := range item.DependsOn {
		if statuses[dep] >= 400 {
			s.writeError(rec, http.StatusFailedDependency, "FailedDependency",
				fmt.Sprintf("The request depends on request '%s', which failed.", dep))
			return rec.item(item.ID)
		}
	}

	s.mu.Lock()
	throttled := s.faults.batchItemThrottles > 0
	if throttled {
		s.faults.batchItemThrottles--
	}
	retryAfter := s.faults.batchRetryAfter
	s.mu.Unlock()
	if throttled {
		rec.Header().Set("Retry-After", retryAfter)
		s.writeError(rec, http.StatusTooManyRequests, "TooManyRequests", "Please retry again later.")
		return rec.item(item.ID)
	}

	hasBody := len(item.Body) > 0 && string(item.Body) != "null"
	if hasBody && headerValue(item.Headers, "Content-Type") == "" {
		s.writeError(rec, http.StatusBadRequest, "BadRequest", "A request with a body needs a Content-Type header.")
		return rec.item(item.ID)
	}
	path := BasePath + "/" + strings.TrimPrefix(item.URL, "/")
	req, err := http.NewRequestWithContext(outer.Context(), strings.ToUpper(item.Method), path, bytes.NewReader(item.Body))
	if err != nil {
		s.writeError(rec, http.StatusBadRequest, "BadRequest", "Invalid request url: "+err.Error())
		return rec.item(item.ID)
	}
	req.Host = outer.Host
	req.TLS = outer.TLS
	for k, v := range item.Headers {
		req.Header.Set(k, v)
	}
	s.mux.ServeHTTP(rec, req)
	return rec.item(item.ID)
}

func headerValue(headers map[string]string, name string) string {
	for k, v := range headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// recorder is a minimal http.ResponseWriter that keeps a batch item's response.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

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

func (r *recorder) item(id string) batchResponseItem {
	headers := map[string]string{}
	for k := range r.header {
		headers[k] = r.header.Get(k)
	}
	out := batchResponseItem{ID: id, Status: r.status, Headers: headers}
	if b := bytes.TrimSpace(r.body.Bytes()); len(b) > 0 {
		out.Body = json.RawMessage(b)
	}
	return out
}
