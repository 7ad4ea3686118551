package servicedeskplus

import (
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/secamo/orchestrator/sandbox/ticketing"
)

// TokenPath is the path of the emulated Zoho token endpoint. In production the endpoint is on
// a separate host, such as accounts.zoho.eu.
const TokenPath = "/oauth/v2/token"

// DefaultTokenLifetime is how long an issued access token is accepted, as on Zoho.
const DefaultTokenLifetime = time.Hour

// OAuthClient is the Zoho client the token endpoint accepts in a refresh-token grant.
type OAuthClient struct {
	ClientID, ClientSecret, RefreshToken string
	// Lifetime is the expires_in of issued access tokens; zero means DefaultTokenLifetime.
	Lifetime time.Duration
	// RotateRefreshToken issues a new refresh token with each access token and rejects the
	// used one afterwards, as Jira Cloud does. Zoho keeps the refresh token.
	RotateRefreshToken bool
}

// tokens records the access tokens the token endpoint issued and when each expires.
type tokens struct {
	mu      sync.Mutex
	expiry  map[string]time.Time
	granted int
	// refresh is the rotated refresh token; empty means the configured one.
	refresh string
}

// TokenGrants returns how many access tokens the token endpoint has issued.
func (s *Server) TokenGrants() int {
	s.tokens.mu.Lock()
	defer s.tokens.mu.Unlock()
	return s.tokens.granted
}

// now returns the emulator's time, which decides token expiry.
func (s *Server) now() time.Time {
	if s.opts.Now != nil {
		return s.opts.Now()
	}
	return time.Now()
}

// validAccessToken reports whether token was issued by the token endpoint and has not expired.
func (s *Server) validAccessToken(token string) bool {
	s.tokens.mu.Lock()
	defer s.tokens.mu.Unlock()
	expiry, ok := s.tokens.expiry[token]
	return ok && s.now().Before(expiry)
}

// issueToken handles a refresh-token grant the way Zoho does: an error body with HTTP 200
// when the client or refresh token is wrong.
func (s *Server) issueToken(w http.ResponseWriter, r *http.Request) {
	client := s.opts.OAuthClient
	if r.Method != http.MethodPost || client == nil {
		http.NotFound(w, r)
		return
	}
	if err := r.ParseForm(); err != nil {
		ticketing.WriteJSON(w, http.StatusOK, map[string]string{"error": "invalid_request"})
		return
	}
	switch {
	case r.PostForm.Get("grant_type") != "refresh_token":
		ticketing.WriteJSON(w, http.StatusOK, map[string]string{"error": "unsupported_grant_type"})
		return
	case r.PostForm.Get("client_id") != client.ClientID || r.PostForm.Get("client_secret") != client.ClientSecret:
		ticketing.WriteJSON(w, http.StatusOK, map[string]string{"error": "invalid_client"})
		return
	case r.PostForm.Get("refresh_token") != s.refreshToken():
		ticketing.WriteJSON(w, http.StatusOK, map[string]string{"error": "invalid_code"})
		return
	}

	lifetime := client.Lifetime
	if lifetime <= 0 {
		lifetime = DefaultTokenLifetime
	}
	s.tokens.mu.Lock()
	s.tokens.granted++
	token := fmt.Sprintf("1000.%032x", s.tokens.granted)
	if s.tokens.expiry == nil {
		s.tokens.expiry = map[string]time.Time{}
	}
	s.tokens.expiry[token] = s.now().Add(lifetime)
	body := map[string]any{
		"access_token": token, "api_domain": "https://www.zohoapis.eu",
		"token_type": "Bearer", "expires_in": int(lifetime / time.Second),
	}
	if client.RotateRefreshToken {
		s.tokens.refresh = fmt.Sprintf("1000.refresh.%d", s.tokens.granted)
		body["refresh_token"] = s.tokens.refresh
	}
	s.tokens.mu.Unlock()

	ticketing.WriteJSON(w, http.StatusOK, body)
}

// refreshToken returns the refresh token the next grant must present.
func (s *Server) refreshToken() string {
	s.tokens.mu.Lock()
	defer s.tokens.mu.Unlock()
	if s.tokens.refresh != "" {
		return s.tokens.refresh
	}
	return s.opts.OAuthClient.RefreshToken
}
