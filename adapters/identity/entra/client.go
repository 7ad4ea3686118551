package entra

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	absauth "github.com/microsoft/kiota-abstractions-go/authentication"
	khttp "github.com/microsoft/kiota-http-go"
	msgraphsdk "github.com/microsoftgraph/msgraph-sdk-go"

	"github.com/secamo/orchestrator/secrets"
	"github.com/secamo/orchestrator/tenants"
)

// DefaultGraphURL is the base URL of Microsoft Graph v1.0 in the global cloud.
const DefaultGraphURL = "https://graph.microsoft.com/v1.0"

// Defaults of Options.
const (
	DefaultMaxRetries = 3
	DefaultMaxWait    = time.Minute
	// DefaultPageSize is the memberOf $top: Graph's maximum for directory objects, so that
	// most users need one page.
	DefaultPageSize = 999
)

// TokenFunc returns a bearer token for Microsoft Graph.
type TokenFunc func(ctx context.Context) (string, error)

// StaticToken returns a TokenFunc that always returns token, for the sandbox emulator.
func StaticToken(token string) TokenFunc {
	return func(context.Context) (string, error) { return token, nil }
}

// Options tunes a Client; the zero value is ready for production.
type Options struct {
	// Token overrides client-credentials authentication, for the emulator and tests.
	Token TokenFunc
	// Transport sends the HTTP requests; nil means http.DefaultTransport.
	Transport http.RoundTripper
	// Clock times the retries; nil means the system clock.
	Clock Clock
	// MaxRetries is how many times one request is retried after 429 or 503; zero means
	// DefaultMaxRetries and a negative value disables retries.
	MaxRetries int
	// MaxWait is the longest Retry-After the client waits for; a longer one returns
	// Throttled at once, so the state machine's Retry waits instead. Zero means DefaultMaxWait.
	MaxWait time.Duration
	// PageSize is the $top of memberOf requests; zero means DefaultPageSize.
	PageSize int
	// Logger receives retries and skipped items; nil means slog.Default().
	Logger *slog.Logger
}

// Client changes users of one Entra ID tenant through Microsoft Graph. It is safe for
// concurrent use.
type Client struct {
	graph    *msgraphsdk.GraphServiceClient
	adapter  *msgraphsdk.GraphRequestAdapter
	clock    Clock
	retries  int
	maxWait  time.Duration
	pageSize int32
	log      *slog.Logger
	requests *atomic.Int64
}

// New returns a client for the tenant's Entra configuration. Without Options.Token it
// resolves the client secret through resolver and authenticates with client credentials.
func New(ctx context.Context, cfg tenants.Entra, resolver secrets.Resolver, opts Options) (*Client, error) {
	base, err := graphBaseURL(cfg.GraphURL)
	if err != nil {
		return nil, err
	}
	token := opts.Token
	if token == nil {
		if token, err = clientCredentials(ctx, cfg, resolver, base); err != nil {
			return nil, err
		}
	}
	opts = withDefaults(opts)

	requests := &atomic.Int64{}
	transport := &retryTransport{
		base:       opts.Transport,
		clock:      opts.Clock,
		maxRetries: max(opts.MaxRetries, 0),
		maxWait:    opts.MaxWait,
		requests:   requests,
	}
	// Kiota's default pipeline is left out on purpose: its retry handler sleeps on the wall
	// clock and its compression handler gzips request bodies. The decoding handler only turns
	// %24select back into $select, as Graph's own SDKs send it.
	httpClient := &http.Client{
		Transport: khttp.NewCustomTransportWithParentTransport(transport, khttp.NewParametersNameDecodingHandler()),
		Timeout:   2 * time.Minute,
	}
	auth := absauth.NewBaseBearerTokenAuthenticationProvider(&tokenProvider{token: token, hosts: absauth.NewAllowedHostsValidator([]string{base.Hostname()})})
	adapter, err := msgraphsdk.NewGraphRequestAdapterWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(auth, nil, nil, httpClient)
	if err != nil {
		return nil, fmt.Errorf("creating the Graph request adapter: %w", err)
	}
	adapter.SetBaseUrl(strings.TrimSuffix(base.String(), "/"))
	return &Client{
		graph:    msgraphsdk.NewGraphServiceClient(adapter),
		adapter:  adapter,
		clock:    opts.Clock,
		retries:  max(opts.MaxRetries, 0),
		maxWait:  opts.MaxWait,
		pageSize: int32(opts.PageSize),
		log:      opts.Logger,
		requests: requests,
	}, nil
}

func withDefaults(opts Options) Options {
	if opts.Transport == nil {
		opts.Transport = http.DefaultTransport
	}
	if opts.Clock == nil {
		opts.Clock = systemClock{}
	}
	if opts.MaxRetries == 0 {
		opts.MaxRetries = DefaultMaxRetries
	}
	if opts.MaxWait <= 0 {
		opts.MaxWait = DefaultMaxWait
	}
	if opts.PageSize <= 0 || opts.PageSize > DefaultPageSize {
		opts.PageSize = DefaultPageSize
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return opts
}

// Requests returns the number of HTTP requests sent to Graph, retries included; a $batch
// counts once. Token requests to the identity platform are not counted.
func (c *Client) Requests() int64 { return c.requests.Load() }

func graphBaseURL(raw string) (*url.URL, error) {
	if raw == "" {
		raw = DefaultGraphURL
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("invalid Graph URL %q: write https://graph.microsoft.com/v1.0 or the emulator's URL", raw)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("invalid Graph URL %q: plain http is allowed only on loopback, use https", raw)
	}
	return u, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// clientCredentials returns a TokenFunc that gets app-only tokens for the Graph host from
// the tenant's app registration.
func clientCredentials(ctx context.Context, cfg tenants.Entra, resolver secrets.Resolver, base *url.URL) (TokenFunc, error) {
	if cfg.TenantID == "" || cfg.ClientID == "" {
		return nil, errors.New("missing Entra tenant ID or client ID: set identity.entra.tenantID and clientID in the tenant file")
	}
	if resolver == nil {
		return nil, errors.New("missing secrets resolver for the Entra client secret")
	}
	secret, err := resolver.Resolve(ctx, cfg.ClientSecret)
	if err != nil {
		return nil, fmt.Errorf("resolving the Entra client secret: %w", err)
	}
	cred, err := azidentity.NewClientSecretCredential(cfg.TenantID, cfg.ClientID, secret, nil)
	if err != nil {
		return nil, fmt.Errorf("creating client credentials for app %q: %w", cfg.ClientID, err)
	}
	scope := "https://" + base.Host + "/.default"
	return func(ctx context.Context) (string, error) {
		tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{scope}})
		if err != nil {
			return "", fmt.Errorf("getting a Graph token for app %q: %w", cfg.ClientID, err)
		}
		return tok.Token, nil
	}, nil
}

// tokenProvider adapts a TokenFunc to Kiota, sending the token only to the Graph host.
type tokenProvider struct {
	token TokenFunc
	hosts absauth.AllowedHostsValidator
}

var _ absauth.AccessTokenProvider = (*tokenProvider)(nil)

func (p *tokenProvider) GetAuthorizationToken(ctx context.Context, u *url.URL, _ map[string]any) (string, error) {
	if !p.hosts.IsUrlHostValid(u) {
		return "", fmt.Errorf("not sending the Graph token to %q: only the configured Graph host receives it", u.Host)
	}
	if u.Scheme != "https" && !isLoopback(u.Hostname()) {
		return "", fmt.Errorf("not sending the Graph token over plain http to %q: use https", u.Host)
	}
	return p.token(ctx)
}

func (p *tokenProvider) GetAllowedHostsValidator() *absauth.AllowedHostsValidator { return &p.hosts }
