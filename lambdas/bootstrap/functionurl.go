package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/secamo/orchestrator/lambdas"
)

// functionURL adapts an http.Handler to the events of a Lambda function URL. The request
// body reaches the handler byte for byte (base64-decoded when isBase64Encoded is set),
// because webhook signatures are computed over the raw bytes.
func functionURL(h http.Handler, logger *slog.Logger) lambdas.Handler {
	return func(ctx context.Context, payload json.RawMessage) (json.RawMessage, error) {
		var ev events.LambdaFunctionURLRequest
		if err := json.Unmarshal(payload, &ev); err != nil {
			return nil, fmt.Errorf("invalid function URL event: %w; call this function through its URL", err)
		}
		req, err := newHTTPRequest(ctx, ev)
		if err != nil {
			logger.WarnContext(ctx, "rejecting function URL event", "requestId", ev.RequestContext.RequestID, "error", err)
			return json.Marshal(events.LambdaFunctionURLResponse{
				StatusCode: http.StatusBadRequest,
				Headers:    map[string]string{"Content-Type": "text/plain; charset=utf-8"},
				Body:       err.Error() + "\n",
			})
		}
		w := &responseWriter{header: http.Header{}}
		h.ServeHTTP(w, req)
		return json.Marshal(w.response(req.Method))
	}
}

// newHTTPRequest builds the request a function URL event describes.
func newHTTPRequest(ctx context.Context, ev events.LambdaFunctionURLRequest) (*http.Request, error) {
	body := []byte(ev.Body)
	if ev.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(ev.Body); err != nil {
			return nil, fmt.Errorf("invalid request body: isBase64Encoded is true but the body is not base64: %w", err)
		}
	}

	method := ev.RequestContext.HTTP.Method
	if method == "" {
		return nil, fmt.Errorf("invalid function URL event: missing requestContext.http.method")
	}
	target := ev.RawPath
	if !strings.HasPrefix(target, "/") {
		target = "/" + target
	}
	if ev.RawQueryString != "" {
		target += "?" + ev.RawQueryString
	}
	req, err := http.NewRequestWithContext(ctx, method, "https://"+ev.RequestContext.DomainName+target, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("invalid request %s %s: %w", method, target, err)
	}

	for name, value := range ev.Headers {
		if !strings.EqualFold(name, "host") {
			req.Header.Set(name, value)
		}
	}
	if len(ev.Cookies) > 0 {
		req.Header.Set("Cookie", strings.Join(ev.Cookies, "; "))
	}

	req.RequestURI = target
	req.ContentLength = int64(len(body))
	if ip := ev.RequestContext.HTTP.SourceIP; ip != "" {
		req.RemoteAddr = net.JoinHostPort(ip, "0")
	}
	return req, nil
}

// responseWriter collects a handler's response for the function URL.
type responseWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *responseWriter) Header() http.Header { return w.header }

func (w *responseWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *responseWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(p)
}

// response returns the function URL response. Set-Cookie headers go to Cookies, other
// repeated headers are joined with commas, and a body that is not UTF-8 is sent in base64.
func (w *responseWriter) response(method string) events.LambdaFunctionURLResponse {
	resp := events.LambdaFunctionURLResponse{StatusCode: w.status, Headers: map[string]string{}}
	if resp.StatusCode == 0 {
		resp.StatusCode = http.StatusOK
	}
	for name, values := range w.header {
		if name == "Set-Cookie" {
			resp.Cookies = append(resp.Cookies, values...)
			continue
		}
		resp.Headers[name] = strings.Join(values, ", ")
	}
	body := w.body.Bytes()
	switch {
	case method == http.MethodHead:
	case utf8.Valid(body):
		resp.Body = string(body)
	default:
		resp.Body, resp.IsBase64Encoded = base64.StdEncoding.EncodeToString(body), true
	}
	return resp
}
