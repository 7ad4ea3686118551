// Package connect builds the tenant's ticketing adapter from its configuration: it resolves
// the credentials through a secrets.Resolver and fails at start-up with an error that names
// the tenant-file field (ticketing.user, ticketing.credentials, ...) when a value is missing
// or wrong. It makes no request to the ticketing system.
package connect

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/secamo/orchestrator/adapters/ticketing"
	"github.com/secamo/orchestrator/adapters/ticketing/freshdesk"
	"github.com/secamo/orchestrator/adapters/ticketing/internal/httpx"
	"github.com/secamo/orchestrator/adapters/ticketing/jira"
	"github.com/secamo/orchestrator/adapters/ticketing/servicedeskplus"
	"github.com/secamo/orchestrator/adapters/ticketing/servicenow"
	"github.com/secamo/orchestrator/secrets"
	"github.com/secamo/orchestrator/tenants"
)

// Option adjusts how the adapter sends requests.
type Option func(*settings)

type settings struct {
	httpClient  *http.Client
	clock       httpx.Clock
	maxAttempts int
	maxWait     time.Duration
	logger      *slog.Logger
}

// WithHTTPClient sends requests with c, for timeouts, proxies or a test server's client.
func WithHTTPClient(c *http.Client) Option { return func(s *settings) { s.httpClient = c } }

// WithClock times retries and the expiry of OAuth access tokens with c; tests pass a clock
// that does not sleep.
func WithClock(c httpx.Clock) Option { return func(s *settings) { s.clock = c } }

// WithRetries sets the number of attempts for one request (the first included) and the
// longest wait between them when the system returns 429 or 503.
func WithRetries(maxAttempts int, maxWait time.Duration) Option {
	return func(s *settings) { s.maxAttempts, s.maxWait = maxAttempts, maxWait }
}

// WithLogger logs retries to l.
func WithLogger(l *slog.Logger) Option { return func(s *settings) { s.logger = l } }

// FieldError is a wrong or missing value in the tenant file's ticketing section.
type FieldError struct {
	// Field is the YAML path, such as ticketing.user.
	Field   string
	Message string
	Err     error
}

func (e *FieldError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Field, e.Message, e.Err)
	}
	return e.Field + ": " + e.Message
}

func (e *FieldError) Unwrap() error { return e.Err }

// New returns the adapter for cfg.System with its credentials resolved. When the system
// rejects the credentials, the returned adapter resolves them again and, if they changed,
// retries the call once with the new value. With an oauth block (auth: oauth) the adapter
// obtains access tokens with the refresh-token grant instead, caches each until shortly
// before it expires, and refreshes it once when the system rejects it.
func New(ctx context.Context, cfg tenants.Ticketing, resolver secrets.Resolver, opts ...Option) (ticketing.System, error) {
	var s settings
	for _, opt := range opts {
		opt(&s)
	}
	if cfg.BaseURL == "" {
		return nil, &FieldError{Field: "ticketing.baseURL", Message: "missing URL of the ticketing system"}
	}
	if _, err := httpx.ParseBaseURL(cfg.BaseURL); err != nil {
		return nil, &FieldError{Field: "ticketing.baseURL", Message: "invalid URL", Err: err}
	}
	if resolver == nil {
		return nil, errors.New("connecting to the ticketing system: no secrets resolver")
	}
	if cfg.OAuth != nil {
		return newOAuth(ctx, cfg, resolver, s)
	}
	secret, err := resolveField(ctx, resolver, "ticketing.credentials", cfg.Credentials)
	if err != nil {
		return nil, err
	}
	system, err := build(cfg, secret, s)
	if err != nil {
		return nil, err
	}
	return &refreshing{cfg: cfg, settings: s, secret: secret, system: system,
		credential: &storedSecret{resolver: resolver, ref: cfg.Credentials, value: secret}}, nil
}

// newOAuth returns the adapter that obtains its access tokens with the refresh-token grant.
// It checks the settings with a placeholder token and fetches the first token on the first
// call, so start-up makes no request.
func newOAuth(ctx context.Context, cfg tenants.Ticketing, resolver secrets.Resolver, s settings) (ticketing.System, error) {
	if cfg.Auth != "oauth" {
		return nil, &FieldError{Field: "ticketing.oauth", Message: fmt.Sprintf("set only with auth: oauth (auth is %q)", cfg.Auth)}
	}
	tokens, err := newTokenSource(ctx, *cfg.OAuth, resolver, s)
	if err != nil {
		return nil, err
	}
	if _, err := build(cfg, "placeholder", s); err != nil {
		return nil, err
	}
	return &refreshing{cfg: cfg, settings: s, credential: tokens}, nil
}

// build returns the adapter for cfg.System with the resolved secret.
func build(cfg tenants.Ticketing, secret string, s settings) (ticketing.System, error) {
	var sys ticketing.System
	var err error
	switch cfg.System {
	case "servicedeskplus":
		sys, err = newServiceDeskPlus(cfg, secret, s)
	case "jira":
		sys, err = newJira(cfg, secret, s)
	case "servicenow":
		sys, err = newServiceNow(cfg, secret, s)
	case "freshdesk":
		sys, err = newFreshdesk(cfg, secret, s)
	default:
		return nil, &FieldError{Field: "ticketing.system", Message: fmt.Sprintf("must be one of servicedeskplus, jira, servicenow, freshdesk (got %q)", cfg.System)}
	}
	if err != nil {
		var fieldErr *FieldError
		if errors.As(err, &fieldErr) {
			return nil, err
		}
		return nil, &FieldError{Field: "ticketing", Message: "invalid " + cfg.System + " settings", Err: err}
	}
	return sys, nil
}

func newServiceDeskPlus(cfg tenants.Ticketing, secret string, s settings) (ticketing.System, error) {
	opts := servicedeskplus.Options{BaseURL: cfg.BaseURL, Group: cfg.Project, Fields: cfg.Fields,
		HTTPClient: s.httpClient, Clock: s.clock, MaxAttempts: s.maxAttempts, MaxWait: s.maxWait, Logger: s.logger}
	switch cfg.Auth {
	case "oauth":
		// The secret is an access token from the oauth block's token endpoint, or, without
		// the block, one that a rotation job keeps fresh in the secret store.
		opts.OAuthToken = secret
	case "", "token":
		opts.AuthToken = secret
	default:
		return nil, &FieldError{Field: "ticketing.auth", Message: fmt.Sprintf("must be oauth or token for ServiceDesk Plus (got %q)", cfg.Auth)}
	}
	return servicedeskplus.New(opts)
}

func newJira(cfg tenants.Ticketing, secret string, s settings) (ticketing.System, error) {
	opts := jira.Options{BaseURL: cfg.BaseURL, ServiceDeskID: cfg.Project, RequestTypeID: cfg.RequestType,
		Resolution: cfg.Resolution, ResolveTransition: cfg.ResolveTransition, Fields: cfg.Fields,
		HTTPClient: s.httpClient, Clock: s.clock, MaxAttempts: s.maxAttempts, MaxWait: s.maxWait, Logger: s.logger}
	if cfg.Project == "" {
		return nil, &FieldError{Field: "ticketing.project", Message: "missing Jira service desk id"}
	}
	if cfg.RequestType == "" {
		return nil, &FieldError{Field: "ticketing.requestType", Message: "missing Jira request type id"}
	}
	switch cfg.Auth {
	case "oauth":
		opts.OAuthToken = secret
	case "", "basic", "token":
		if cfg.User == "" {
			return nil, &FieldError{Field: "ticketing.user", Message: "missing e-mail address of the Jira account that owns the API token"}
		}
		opts.Email, opts.APIToken = cfg.User, secret
	default:
		return nil, &FieldError{Field: "ticketing.auth", Message: fmt.Sprintf("must be basic or oauth for Jira (got %q)", cfg.Auth)}
	}
	return jira.New(opts)
}

func newServiceNow(cfg tenants.Ticketing, secret string, s settings) (ticketing.System, error) {
	opts := servicenow.Options{BaseURL: cfg.BaseURL, Table: cfg.Project, CloseCode: cfg.CloseCode, Fields: cfg.Fields,
		HTTPClient: s.httpClient, Clock: s.clock, MaxAttempts: s.maxAttempts, MaxWait: s.maxWait, Logger: s.logger}
	switch cfg.Auth {
	case "oauth":
		opts.OAuthToken = secret
	case "", "basic", "token":
		if cfg.User == "" {
			return nil, &FieldError{Field: "ticketing.user", Message: "missing ServiceNow user name for basic authentication"}
		}
		opts.User, opts.Password = cfg.User, secret
	default:
		return nil, &FieldError{Field: "ticketing.auth", Message: fmt.Sprintf("must be basic or oauth for ServiceNow (got %q)", cfg.Auth)}
	}
	if cfg.Project != "" && !slices.Contains(servicenow.Tables, cfg.Project) {
		return nil, &FieldError{Field: "ticketing.project", Message: fmt.Sprintf("must be the ServiceNow table incident, sc_request or sc_req_item (got %q)", cfg.Project)}
	}
	return servicenow.New(opts)
}

func newFreshdesk(cfg tenants.Ticketing, secret string, s settings) (ticketing.System, error) {
	opts := freshdesk.Options{BaseURL: cfg.BaseURL, APIKey: secret, Fields: cfg.Fields,
		HTTPClient: s.httpClient, Clock: s.clock, MaxAttempts: s.maxAttempts, MaxWait: s.maxWait, Logger: s.logger}
	if cfg.Auth != "" && cfg.Auth != "token" {
		return nil, &FieldError{Field: "ticketing.auth", Message: fmt.Sprintf("must be token (API key) for Freshdesk (got %q)", cfg.Auth)}
	}
	if cfg.Project != "" {
		group, err := strconv.ParseInt(cfg.Project, 10, 64)
		if err != nil || group <= 0 {
			return nil, &FieldError{Field: "ticketing.project", Message: fmt.Sprintf("must be the Freshdesk group id, a number (got %q)", cfg.Project)}
		}
		opts.GroupID = group
	}
	return freshdesk.New(opts)
}
