package ingest

import (
	"errors"
	"net/http/httptest"
	"testing"
)

func TestVerifySignature(t *testing.T) {
	// HMAC-SHA256 with key "key" of the pangram below, a widely published test value.
	body := []byte("The quick brown fox jumps over the lazy dog")
	const digest = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
	tests := []struct {
		name   string
		header string
		secret string
		ok     bool
	}{
		{"valid", "sha256=" + digest, "key", true},
		{"valid uppercase", "SHA256=F7BC83F430538424B13298E6AA6FB143EF4D59A14946175997479DBC2D1A3CD8", "key", true},
		{"wrong secret", "sha256=" + digest, "other", false},
		{"truncated digest", "sha256=" + digest[:62], "key", false},
		{"missing", "", "key", false},
		{"no algorithm", digest, "key", false},
		{"sha1", "sha1=" + digest, "key", false},
		{"not hex", "sha256=xyz", "key", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := VerifySignature(body, tt.header, tt.secret)
			if (err == nil) != tt.ok {
				t.Errorf("VerifySignature(%q) = %v, want ok %v", tt.header, err, tt.ok)
			}
			var authErr *AuthError
			if err != nil && !errors.As(err, &authErr) {
				t.Errorf("VerifySignature error %v is not an *AuthError", err)
			}
		})
	}
}

func TestVerifyToken(t *testing.T) {
	tests := []struct {
		name   string
		url    string
		header string
		ok     bool
	}{
		{"header", "/webhooks/a/b", "tok", true},
		{"query", "/webhooks/a/b?token=tok", "", true},
		{"header wins over query", "/webhooks/a/b?token=bad", "tok", true},
		{"wrong header", "/webhooks/a/b", "tok2", false},
		{"prefix of secret", "/webhooks/a/b?token=to", "", false},
		{"missing", "/webhooks/a/b", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", tt.url, nil)
			if tt.header != "" {
				r.Header.Set(TokenHeader, tt.header)
			}
			if err := VerifyToken(r, "tok"); (err == nil) != tt.ok {
				t.Errorf("VerifyToken = %v, want ok %v", err, tt.ok)
			}
		})
	}
}

func TestSensitiveHeader(t *testing.T) {
	for name, want := range map[string]bool{
		"Authorization": true, "X-Hub-Signature": true, "X-Secamo-Webhook-Token": true, "Cookie": true,
		"X-Api-Key": true, "Content-Type": false, "User-Agent": false, "X-Atlassian-Webhook-Identifier": false,
	} {
		if got := sensitiveHeader(name); got != want {
			t.Errorf("sensitiveHeader(%q) = %v, want %v", name, got, want)
		}
	}
}
