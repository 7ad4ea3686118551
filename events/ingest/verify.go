package ingest

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strings"
)

// Header and query parameter names that carry webhook credentials.
const (
	SignatureHeader = "X-Hub-Signature"
	TokenHeader     = "X-Secamo-Webhook-Token"
	TokenParameter  = "token"
)

// AuthError is a request without valid credentials.
type AuthError struct{ Reason string }

func (e *AuthError) Error() string { return "webhook not authenticated: " + e.Reason }

// VerifySignature checks an X-Hub-Signature header of the form sha256=HEX against the
// HMAC-SHA256 of body keyed with secret.
func VerifySignature(body []byte, header, secret string) error {
	if header == "" {
		return &AuthError{Reason: "missing " + SignatureHeader + " header: configure the webhook's secret"}
	}
	algorithm, digest, ok := strings.Cut(header, "=")
	if !ok || !strings.EqualFold(algorithm, "sha256") {
		return &AuthError{Reason: SignatureHeader + " must be sha256=HEX"}
	}
	got, err := hex.DecodeString(digest)
	if err != nil {
		return &AuthError{Reason: SignatureHeader + " digest is not hexadecimal"}
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return &AuthError{Reason: "signature does not match the body: check the webhook secret"}
	}
	return nil
}

// VerifyToken checks the token in the X-Secamo-Webhook-Token header or, for systems that
// cannot set headers, the token query parameter.
func VerifyToken(r *http.Request, secret string) error {
	token := r.Header.Get(TokenHeader)
	if token == "" {
		token = r.URL.Query().Get(TokenParameter)
	}
	if token == "" {
		return &AuthError{Reason: "missing " + TokenHeader + " header or token parameter"}
	}
	// Hashing first makes the comparison constant-time in the secret's length too.
	a, b := sha256.Sum256([]byte(token)), sha256.Sum256([]byte(secret))
	if subtle.ConstantTimeCompare(a[:], b[:]) != 1 {
		return &AuthError{Reason: "token does not match the tenant's webhook secret"}
	}
	return nil
}

// authMethod returns hmac or token for a system, honouring the tenant's override.
func authMethod(configured, system string) string {
	if configured != "" {
		return configured
	}
	if system == "jira" {
		return "hmac"
	}
	return "token"
}

// sensitiveHeader reports whether a header may carry a credential and must not be kept.
func sensitiveHeader(name string) bool {
	n := strings.ToLower(name)
	for _, word := range []string{"auth", "cookie", "token", "secret", "signature", "api-key", "apikey"} {
		if strings.Contains(n, word) {
			return true
		}
	}
	return false
}
