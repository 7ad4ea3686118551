package httpx

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/secamo/orchestrator/adapters/ticketing"
)

// Defaults of the retry loop.
const (
	DefaultMaxAttempts = 4
	DefaultMaxWait     = 30 * time.Second
	// defaultBackoff is the first wait when a 429 or 503 carries no Retry-After; it doubles
	// with each attempt.
	defaultBackoff = time.Second
	// maxBodyBytes bounds how much of a response body is read.
	maxBodyBytes = 16 << 20
)

// Client sends requests to one ticketing system.
type Client struct {
	// BaseURL is the API root; request paths are joined to it.
	BaseURL *url.URL
	// HTTP sends the requests; nil means http.DefaultClient.
	HTTP *http.Client
	// Auth sets the credentials on every request.
	Auth Auth
	// Clock times the retries; nil means SystemClock.
	Clock Clock
	// MaxAttempts is the number of tries for one request, the first included, when the
	// system returns 429 or 503. Zero means DefaultMaxAttempts.
	MaxAttempts int
	// MaxWait is the longest single wait between tries; a longer Retry-After ends the retries
	// with Throttled at once. Zero means DefaultMaxWait.
	MaxWait time.Duration
	// Logger receives retries; nil means slog.Default().
	Logger *slog.Logger
	// System names the ticketing system in logs (jira, servicenow, ...).
	System string
	// ErrorMessage extracts the vendor's message from an error body; nil uses the body text.
	ErrorMessage func(body []byte) string
}

// Request is one API call.
type Request struct {
	Method string
	// Path is joined to the base URL, such as /api/v2/tickets/42.
	Path  string
	Query url.Values
	// Body is sent as is with ContentType; nil sends no body.
	Body        []byte
	ContentType string
	Header      http.Header
	// Operation names the call in errors, such as "getting ticket".
	Operation string
	// TicketID is reported in TicketNotFound when the system returns 404.
	TicketID string
}

// Response is a successful (2xx) response with its body read.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do sends the request, retrying 429 and 503, and returns the response when its status is
// 2xx. Other statuses become typed errors from package ticketing, wrapped with the operation:
// 401 and 403 PermissionDenied, 404 TicketNotFound, 400 and 422 InvalidTicketData, and
// Throttled when the retries run out.
func (c *Client) Do(ctx context.Context, req Request) (*Response, error) {
	maxAttempts := c.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	for attempt := 1; ; attempt++ {
		resp, err := c.send(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", req.Operation, err)
		}
		if resp.Status != http.StatusTooManyRequests && resp.Status != http.StatusServiceUnavailable {
			return c.check(req, resp)
		}
		wait, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), c.clock().Now())
		if !ok {
			wait = defaultBackoff << (attempt - 1)
		}
		if attempt >= maxAttempts || wait > c.maxWait() {
			return nil, fmt.Errorf("%s after %d attempts: %w", req.Operation, attempt, &ticketing.Throttled{RetryAfter: wait})
		}
		c.logger().InfoContext(ctx, "ticketing system asked to slow down; retrying",
			"system", c.System, "operation", req.Operation, "ticket", req.TicketID,
			"status", resp.Status, "attempt", attempt, "wait", wait,
			"rateLimitRemaining", resp.Header.Get("X-RateLimit-Remaining"))
		if err := c.clock().Sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("%s: waiting to retry: %w", req.Operation, err)
		}
	}
}

// send makes one attempt and reads the body.
func (c *Client) send(ctx context.Context, req Request) (*Response, error) {
	target := c.BaseURL.JoinPath(req.Path)
	if len(req.Query) > 0 {
		target.RawQuery = req.Query.Encode()
	}
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	httpReq, err := http.NewRequestWithContext(ctx, req.Method, target.String(), body)
	if err != nil {
		return nil, err
	}
	for name, values := range req.Header {
		httpReq.Header[name] = values
	}
	if req.ContentType != "" {
		httpReq.Header.Set("Content-Type", req.ContentType)
	}
	if c.Auth != nil {
		c.Auth(httpReq)
	}

	httpClient := c.HTTP
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	httpResp, err := httpClient.Do(httpReq)
	if err != nil {
		// The *url.Error names the URL, which carries no credentials: they travel in headers.
		return nil, err
	}

	defer httpResp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(httpResp.Body, maxBodyBytes))
	if err != nil {
		return nil, fmt.Errorf("reading response body: %w", err)
	}
	return &Response{Status: httpResp.StatusCode, Header: httpResp.Header, Body: data}, nil
}

// check classifies a response that needs no retry.
func (c *Client) check(req Request, resp *Response) (*Response, error) {
	if resp.Status >= 200 && resp.Status < 300 {
		return resp, nil
	}
	detail := c.message(resp.Body)
	var err error
	switch resp.Status {
	case http.StatusUnauthorized, http.StatusForbidden:
		err = &ticketing.PermissionDenied{Operation: req.Operation, Detail: fmt.Sprintf("HTTP %d: %s", resp.Status, detail)}
	case http.StatusNotFound:
		err = &ticketing.TicketNotFound{ID: req.TicketID}
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		err = &ticketing.InvalidTicketData{Detail: detail}
	default:
		err = &StatusError{Status: resp.Status, Message: detail}
	}
	return nil, fmt.Errorf("%s: %w", req.Operation, err)
}

// message returns the vendor's error message, or a bounded excerpt of the body.
func (c *Client) message(body []byte) string {
	if c.ErrorMessage != nil {
		if m := c.ErrorMessage(body); m != "" {
			return m
		}
	}
	text := strings.TrimSpace(string(body))
	if text == "" {
		return "empty response body"
	}
	const maxExcerpt = 300
	if len(text) > maxExcerpt {
		text = text[:maxExcerpt] + "..."
	}
	return text
}

func (c *Client) clock() Clock {
	if c.Clock == nil {
		return SystemClock{}
	}
	return c.Clock
}

func (c *Client) maxWait() time.Duration {
	if c.MaxWait <= 0 {
		return DefaultMaxWait
	}
	return c.MaxWait
}

func (c *Client) logger() *slog.Logger {
	if c.Logger == nil {
		return slog.Default()
	}
	return c.Logger
}

// StatusError is an HTTP status the adapters do not classify, such as 500 or 409.
type StatusError struct {
	Status  int
	Message string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("unexpected HTTP status %d: %s", e.Status, e.Message)
}

// ParseBaseURL parses an API root for Client.BaseURL.
func ParseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("invalid base URL %q: write an absolute http or https URL", raw)
	}
	return u, nil
}

// Unreadable wraps a decoding error of a success body as InvalidTicketData.
func Unreadable(operation string, err error) error {
	return fmt.Errorf("%s: %w", operation, &ticketing.InvalidTicketData{Detail: "unreadable response: " + err.Error()})
}
