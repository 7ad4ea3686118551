package connect

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/secamo/orchestrator/adapters/ticketing"
	"github.com/secamo/orchestrator/adapters/ticketing/internal/httpx"
	"github.com/secamo/orchestrator/secrets"
	"github.com/secamo/orchestrator/tenants"
)

// maxExpiryMargin is how long before expires_in ends a cached access token is replaced, so a
// request does not reach the system with a token that expires on the way.
const maxExpiryMargin = time.Minute

// tokenSource obtains OAuth access tokens with the refresh-token grant (RFC 6749 section 6)
// and caches each one until shortly before its expires_in ends on the injected clock.
type tokenSource struct {
	config       oauth2.Config
	refreshToken string
	httpClient   *http.Client
	clock        httpx.Clock
	// store keeps a rotated refresh token behind ref, when the resolver can write.
	store    secrets.Writer
	resolver secrets.Resolver
	ref      secrets.Ref
	logger   *slog.Logger

	mu     sync.Mutex
	token  string
	expiry time.Time // zero when the endpoint gave no lifetime
}

var _ credential = (*tokenSource)(nil)

// newTokenSource resolves the client secret and refresh token of the oauth block.
func newTokenSource(ctx context.Context, block tenants.TicketingOAuth, resolver secrets.Resolver, s settings) (*tokenSource, error) {
	if block.TokenURL == "" {
		return nil, &FieldError{Field: "ticketing.oauth.tokenURL", Message: "missing token endpoint, such as https://accounts.zoho.eu/oauth/v2/token"}
	}
	if _, err := httpx.ParseBaseURL(block.TokenURL); err != nil {
		return nil, &FieldError{Field: "ticketing.oauth.tokenURL", Message: "invalid URL", Err: err}
	}
	if block.ClientID == "" {
		return nil, &FieldError{Field: "ticketing.oauth.clientID", Message: "missing OAuth client id"}
	}
	clientSecret, err := resolveField(ctx, resolver, "ticketing.oauth.clientSecret", block.ClientSecret)
	if err != nil {
		return nil, err
	}
	refreshToken, err := resolveField(ctx, resolver, "ticketing.oauth.refreshToken", block.RefreshToken)
	if err != nil {
		return nil, err
	}
	clock := s.clock
	if clock == nil {
		clock = httpx.SystemClock{}
	}
	logger := s.logger
	if logger == nil {
		logger = slog.Default()
	}
	store, _ := resolver.(secrets.Writer)
	return &tokenSource{
		config: oauth2.Config{ClientID: block.ClientID, ClientSecret: clientSecret,
			Endpoint: oauth2.Endpoint{TokenURL: block.TokenURL, AuthStyle: oauth2.AuthStyleInParams}},
		refreshToken: refreshToken, httpClient: s.httpClient, clock: clock,
		store: store, resolver: resolver, ref: block.RefreshToken, logger: logger,
	}, nil
}

// resolveField resolves a required secret reference of the tenant file.
func resolveField(ctx context.Context, resolver secrets.Resolver, field string, ref secrets.Ref) (string, error) {
	if ref == "" {
		return "", &FieldError{Field: field, Message: "missing secret reference: write env:NAME, file:PATH or secretsmanager:NAME"}
	}
	value, err := resolver.Resolve(ctx, ref)
	if err != nil {
		// The resolver's error names the reference, never the value.
		return "", &FieldError{Field: field, Message: "cannot resolve the secret", Err: err}
	}
	return value, nil
}

func (t *tokenSource) current(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token != "" && (t.expiry.IsZero() || t.clock.Now().Before(t.expiry)) {
		return t.token, nil
	}
	return t.fetch(ctx)
}

func (t *tokenSource) renew(ctx context.Context, rejected string) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token != rejected && t.token != "" {
		// Another call has already replaced the rejected token.
		return t.token, true
	}
	token, err := t.fetch(ctx)
	return token, err == nil
}

// fetch requests a new access token; the caller holds t.mu.
func (t *tokenSource) fetch(ctx context.Context) (string, error) {
	t.token, t.expiry = "", time.Time{}
	if t.httpClient != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, t.httpClient)
	}
	token, err := t.refresh(ctx)
	if err != nil && t.rotatedElsewhere(ctx, err) {
		token, err = t.refresh(ctx)
	}
	if err != nil {
		return "", t.classify(err)
	}
	now := t.clock.Now()
	lifetime := time.Duration(token.ExpiresIn) * time.Second
	if lifetime <= 0 && !token.Expiry.IsZero() {
		lifetime = time.Until(token.Expiry)
	}
	if lifetime > 0 {
		t.expiry = now.Add(lifetime - min(maxExpiryMargin, lifetime/2))
	}
	if token.RefreshToken != "" && token.RefreshToken != t.refreshToken {
		t.refreshToken = token.RefreshToken
		t.keepRefreshToken(ctx)
	}
	t.token = token.AccessToken
	return t.token, nil
}

// refresh runs the refresh-token grant once.
func (t *tokenSource) refresh(ctx context.Context) (*oauth2.Token, error) {
	// A token with only the refresh token makes the source refresh at once.
	return t.config.TokenSource(ctx, &oauth2.Token{RefreshToken: t.refreshToken}).Token()
}

// rotatedElsewhere reports, after the endpoint rejected the refresh token, whether another
// process has stored a newer one since this one read it, and then takes that one. Jira
// rejects a refresh token once it has rotated it for another process.
func (t *tokenSource) rotatedElsewhere(ctx context.Context, err error) bool {
	var retrieve *oauth2.RetrieveError
	if !errors.As(err, &retrieve) || retrieve.ErrorCode == "" || t.resolver == nil {
		return false
	}
	stored, rerr := secrets.ResolveFresh(ctx, t.resolver, t.ref)
	if rerr != nil || stored == "" || stored == t.refreshToken {
		return false
	}
	t.logger.InfoContext(ctx, "OAuth refresh token rejected; using the newer one in the secret store", "reference", string(t.ref))
	t.refreshToken = stored
	return true
}

// keepRefreshToken writes a rotated refresh token (Jira rotates them) back behind its
// reference, because the endpoint rejects the used one: without it, the next process would
// start with a token that no longer works. A failed write is logged, not returned, since
// the access token in hand is valid.
// NOTE: two processes that refresh at the same moment with the same token still race: the
// endpoint accepts the token once, and the other is rejected until the first one's write
// lands and a later refresh reads it.
func (t *tokenSource) keepRefreshToken(ctx context.Context) {
	if t.store == nil {
		t.logger.WarnContext(ctx, "rotated OAuth refresh token kept in memory only: the secret resolver cannot write", "reference", string(t.ref))
		return
	}
	if err := t.store.Write(ctx, t.ref, t.refreshToken); err != nil {
		t.logger.ErrorContext(ctx, "rotated OAuth refresh token not stored: after a restart the old one will be rejected", "reference", string(t.ref), "error", err)
	}
}

// classify turns a rejected grant into PermissionDenied naming the token endpoint. The
// detail is the endpoint's error code only, never the request or response body.
func (t *tokenSource) classify(err error) error {
	operation := "refreshing the OAuth access token at " + t.config.Endpoint.TokenURL
	var retrieve *oauth2.RetrieveError
	if errors.As(err, &retrieve) {
		if retrieve.ErrorCode != "" {
			return &ticketing.PermissionDenied{Operation: operation,
				Detail: fmt.Sprintf("the token endpoint returned error %q: check the client id, client secret and refresh token", retrieve.ErrorCode)}
		}
		status := 0
		if retrieve.Response != nil {
			status = retrieve.Response.StatusCode
		}
		if status >= http.StatusInternalServerError {
			return fmt.Errorf("%s: the token endpoint returned HTTP %d", operation, status)
		}
		return &ticketing.PermissionDenied{Operation: operation, Detail: fmt.Sprintf("the token endpoint returned HTTP %d", status)}
	}
	switch {
	case err.Error() == "oauth2: server response missing access_token":
		return &ticketing.PermissionDenied{Operation: operation, Detail: "the token endpoint returned no access_token"}
	default:
		// Transport errors name the URL, which carries no secret: they travel in the body.
		return fmt.Errorf("%s: %w", operation, err)
	}
}
