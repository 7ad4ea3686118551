package ingest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"time"
	"unicode/utf8"
)

// Record kinds.
const (
	KindRejected  = "rejected"
	KindUnmatched = "unmatched"
	KindFailed    = "failed"
)

// Record is a request kept for inspection and replay.
type Record struct {
	ID string `json:"id"`
	// Kind is rejected (the request got a 4xx or 5xx), unmatched (valid, but no rule
	// matched) or failed (an execution could not be started).
	Kind   string    `json:"kind"`
	Time   time.Time `json:"time"`
	Tenant string    `json:"tenant,omitempty"`
	System string    `json:"system,omitempty"`
	Reason string    `json:"reason"`
	Status int       `json:"status"`
	Method string    `json:"method"`
	Path   string    `json:"path"`
	// Query is the query string without the token parameter.
	Query string `json:"query,omitempty"`
	// Headers are the request headers without those that may carry credentials.
	Headers http.Header `json:"headers"`
	// Body is the raw body when it is UTF-8; BodyBase64 holds it otherwise.
	Body       string `json:"body,omitempty"`
	BodyBase64 string `json:"bodyBase64,omitempty"`
}

// Quarantine keeps records; a folder locally, an S3 bucket on AWS.
type Quarantine interface {
	Keep(ctx context.Context, r Record) error
}

// Dir keeps each record as a JSON file in a folder, readable only by its owner.
type Dir struct{ Path string }

var _ Quarantine = Dir{}

// Keep implements Quarantine.
func (d Dir) Keep(ctx context.Context, r Record) error {
	if err := os.MkdirAll(d.Path, 0o700); err != nil {
		return fmt.Errorf("creating quarantine folder: %w", err)
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding quarantine record %s: %w", r.ID, err)
	}
	name := fmt.Sprintf("%s-%s-%s.json", r.Time.UTC().Format("20060102T150405Z"), r.Kind, r.ID)
	tmp, err := os.CreateTemp(d.Path, ".tmp-*")
	if err != nil {
		return fmt.Errorf("writing quarantine record %s: %w", r.ID, err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("writing quarantine record %s: %w", r.ID, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing quarantine record %s: %w", r.ID, err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(d.Path, name)); err != nil {
		return fmt.Errorf("writing quarantine record %s: %w", r.ID, err)
	}
	return nil
}

// newRecord captures a request without its credentials.
func newRecord(kind string, at time.Time, r *http.Request, body []byte) Record {
	rec := Record{
		ID:      randomID(),
		Kind:    kind,
		Time:    at.UTC(),
		Method:  r.Method,
		Path:    r.URL.Path,
		Headers: http.Header{},
	}
	query := r.URL.Query()
	query.Del(TokenParameter)
	rec.Query = query.Encode()
	for name, values := range r.Header {
		if !sensitiveHeader(name) {
			rec.Headers[name] = values
		}
	}
	if utf8.Valid(body) {
		rec.Body = string(body)
	} else {
		rec.BodyBase64 = base64.StdEncoding.EncodeToString(body)
	}
	return rec
}

func randomID() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		// crypto/rand does not fail on supported platforms; a fixed id still keeps the file.
		return "0000000000000000"
	}
	return hex.EncodeToString(b)
}

// redactedURL returns the request path and query without the token parameter, for logs.
func redactedURL(u *url.URL) string {
	q := u.Query()
	if q.Has(TokenParameter) {
		q.Set(TokenParameter, "REDACTED")
	}
	if len(q) == 0 {
		return u.Path
	}
	return u.Path + "?" + q.Encode()
}
