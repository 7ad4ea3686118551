package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// capture is a handler that records the request it gets and writes a fixed response.
type capture struct {
	req  *http.Request
	body []byte
}

func (c *capture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.req = r
	c.body, _ = io.ReadAll(r.Body)
	w.Header().Add("Set-Cookie", "a=1")
	w.Header().Add("Vary", "Accept")
	w.Header().Add("Vary", "Cookie")
	w.WriteHeader(http.StatusAccepted)
	_, _ = w.Write([]byte{0xff, 0x00, 'o', 'k'})
}

func invokeURL(t *testing.T, h http.Handler, ev events.LambdaFunctionURLRequest) events.LambdaFunctionURLResponse {
	t.Helper()
	payload, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	out, err := functionURL(h, slog.New(slog.DiscardHandler))(context.Background(), payload)
	if err != nil {
		t.Fatalf("function URL handler: %v", err)
	}
	var resp events.LambdaFunctionURLResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatalf("response is not a function URL response: %v: %s", err, out)
	}
	return resp
}

func urlEvent(method, path, query string) events.LambdaFunctionURLRequest {
	ev := events.LambdaFunctionURLRequest{
		Version: "2.0", RawPath: path, RawQueryString: query,
		Headers: map[string]string{"content-type": "application/json", "x-hub-signature": "sha256=00", "host": "abc.lambda-url.eu-west-1.on.aws"},
	}
	ev.RequestContext.DomainName = "abc.lambda-url.eu-west-1.on.aws"
	ev.RequestContext.HTTP.Method = method
	ev.RequestContext.HTTP.SourceIP = "198.51.100.7"
	return ev
}

func TestFunctionURLBase64BodyExact(t *testing.T) {
	// Bytes that a text round trip would change: invalid UTF-8, CR LF, a NUL and a BOM.
	raw := []byte("\xef\xbb\xbf{\"a\":\"\xff\xfe\"}\r\n\x00")
	ev := urlEvent("POST", "/webhooks/acme/jira", "token=x%2By&b=2")
	ev.Body, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString(raw), true
	ev.Cookies = []string{"s=1", "t=2"}

	c := &capture{}
	resp := invokeURL(t, c, ev)
	if c.req == nil {
		t.Fatal("handler not called")
	}
	if string(c.body) != string(raw) {
		t.Errorf("body = %q, want %q", c.body, raw)
	}
	checks := []struct{ name, got, want string }{
		{"method", c.req.Method, "POST"},
		{"path", c.req.URL.Path, "/webhooks/acme/jira"},
		{"token", c.req.URL.Query().Get("token"), "x+y"},
		{"signature header", c.req.Header.Get("X-Hub-Signature"), "sha256=00"},
		{"host", c.req.Host, "abc.lambda-url.eu-west-1.on.aws"},
		{"cookie", c.req.Header.Get("Cookie"), "s=1; t=2"},
		{"remote address", c.req.RemoteAddr, "198.51.100.7:0"},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %q, want %q", ch.name, ch.got, ch.want)
		}
	}
	if c.req.ContentLength != int64(len(raw)) {
		t.Errorf("ContentLength = %d, want %d", c.req.ContentLength, len(raw))
	}

	if resp.StatusCode != http.StatusAccepted {
		t.Errorf("status = %d, want 202", resp.StatusCode)
	}
	got, err := base64.StdEncoding.DecodeString(resp.Body)
	if !resp.IsBase64Encoded || err != nil || string(got) != "\xff\x00ok" {
		t.Errorf("response body = %q (base64 %v), want the binary body in base64", resp.Body, resp.IsBase64Encoded)
	}
	if resp.Headers["Vary"] != "Accept, Cookie" {
		t.Errorf("Vary = %q, want both values joined", resp.Headers["Vary"])
	}
	if len(resp.Cookies) != 1 || resp.Cookies[0] != "a=1" {
		t.Errorf("cookies = %v, want [a=1]", resp.Cookies)
	}
}

func TestFunctionURLPlainBody(t *testing.T) {
	ev := urlEvent("POST", "/webhooks/acme/jira", "")
	ev.Body = `{"text":"héllo"}`
	c := &capture{}
	invokeURL(t, c, ev)
	if string(c.body) != ev.Body {
		t.Errorf("body = %q, want %q", c.body, ev.Body)
	}
}

func TestFunctionURLHeadHasNoBody(t *testing.T) {
	resp := invokeURL(t, &capture{}, urlEvent("HEAD", "/approvals/acme/x", ""))
	if resp.Body != "" || resp.StatusCode != http.StatusAccepted {
		t.Errorf("HEAD response = %d %q, want 202 without a body", resp.StatusCode, resp.Body)
	}
}

func TestFunctionURLInvalidEvents(t *testing.T) {
	badBase64 := urlEvent("POST", "/webhooks/acme/jira", "")
	badBase64.Body, badBase64.IsBase64Encoded = "not base64!", true
	noMethod := urlEvent("", "/webhooks/acme/jira", "")
	for name, ev := range map[string]events.LambdaFunctionURLRequest{"bad base64": badBase64, "no method": noMethod} {
		t.Run(name, func(t *testing.T) {
			c := &capture{}
			resp := invokeURL(t, c, ev)
			if resp.StatusCode != http.StatusBadRequest || c.req != nil {
				t.Errorf("status = %d, handler called = %v; want 400 without calling the handler", resp.StatusCode, c.req != nil)
			}
		})
	}
	_, err := functionURL(&capture{}, slog.New(slog.DiscardHandler))(context.Background(), json.RawMessage(`[1,2]`))
	if err == nil {
		t.Error("a payload that is not a function URL event was accepted")
	}
}
