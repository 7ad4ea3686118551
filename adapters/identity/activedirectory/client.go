package activedirectory

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/secamo/orchestrator/secrets"
	"github.com/secamo/orchestrator/tenants"
)

// DefaultTimeout limits one call (connect, bind and the operations) when the context has no
// earlier deadline.
const DefaultTimeout = 30 * time.Second

// Clock returns the current time. Tests pass a fixed clock.
type Clock interface {
	Now() time.Time
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// Config is what a Client needs to reach and change one domain.
type Config struct {
	// URL is ldaps://host:636, or ldap://host:389 on which the client requires StartTLS.
	URL string
	// BaseDN is the subtree searched for users, such as DC=example,DC=com.
	BaseDN string
	// BindDN is the service account's distinguished name and BindPassword the reference to
	// its password.
	BindDN       string
	BindPassword secrets.Ref
	// DisabledOU is the distinguished name of the OU that disabled accounts move to. It must
	// lie under BaseDN, so that the moved account can still be found.
	DisabledOU string
	// CAFile is a PEM file with the CA certificates that signed the domain controller's
	// certificate. Empty means the system's roots.
	CAFile string
	// ServerName is the name checked against the server's certificate. Empty means the URL's
	// host.
	ServerName string
	// Timeout limits one call. Zero means DefaultTimeout.
	Timeout time.Duration
	// Clock dates the description stamp. Nil means the system clock.
	Clock Clock
	// Logger receives one line per change. Nil means slog.Default().
	Logger *slog.Logger
}

// ConfigFromTenant returns the Config for a tenant's activeDirectory section. A nil section
// gives an empty Config, which New rejects.
func ConfigFromTenant(ad *tenants.ActiveDirectory) Config {
	if ad == nil {
		return Config{}
	}
	return Config{
		URL:          ad.URL,
		BaseDN:       ad.BaseDN,
		BindDN:       ad.BindDN,
		BindPassword: ad.BindPassword,
		DisabledOU:   ad.DisabledOU,
		CAFile:       ad.CAFile,
	}
}

// Client changes user accounts in one Active Directory domain. It is safe for concurrent use:
// each call opens its own connection.
type Client struct {
	url        *url.URL
	disabledOU *ldap.DN
	cfg        Config
	tlsConfig  *tls.Config
	secrets    secrets.Resolver
	clock      Clock
	log        *slog.Logger
}

// New checks cfg and loads the CA file without connecting. The resolver turns the bind
// password reference into the password at each call.
func New(cfg Config, resolver secrets.Resolver) (*Client, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "ldaps" && u.Scheme != "ldap") || u.Hostname() == "" {
		return nil, fmt.Errorf("invalid LDAP URL %q: write ldaps://host:636 or ldap://host:389", cfg.URL)
	}
	baseDN, err := ldap.ParseDN(cfg.BaseDN)
	if err != nil || cfg.BaseDN == "" {
		return nil, fmt.Errorf("invalid base DN %q: write it like DC=example,DC=com", cfg.BaseDN)
	}
	if _, err := ldap.ParseDN(cfg.BindDN); err != nil || cfg.BindDN == "" {
		return nil, fmt.Errorf("invalid bind DN %q: write the service account's distinguished name", cfg.BindDN)
	}
	if err := cfg.BindPassword.Validate(); err != nil {
		return nil, fmt.Errorf("bind password: %w", err)
	}
	disabledOU, err := ldap.ParseDN(cfg.DisabledOU)
	if err != nil || cfg.DisabledOU == "" {
		return nil, fmt.Errorf("invalid disabled-users OU %q: write its distinguished name", cfg.DisabledOU)
	}
	if !baseDN.AncestorOfFold(disabledOU) {
		return nil, fmt.Errorf("disabled-users OU %q is not under the base DN %q: choose an OU inside the base DN", cfg.DisabledOU, cfg.BaseDN)
	}
	if resolver == nil {
		return nil, errors.New("missing secrets resolver for the bind password")
	}

	tlsConfig, err := newTLSConfig(cfg, u)
	if err != nil {
		return nil, err
	}
	c := &Client{
		url:        u,
		disabledOU: disabledOU,
		cfg:        cfg,
		tlsConfig:  tlsConfig,
		secrets:    resolver,
		clock:      cfg.Clock,
		log:        cfg.Logger,
	}
	if c.cfg.Timeout <= 0 {
		c.cfg.Timeout = DefaultTimeout
	}
	if c.clock == nil {
		c.clock = systemClock{}
	}
	if c.log == nil {
		c.log = slog.Default()
	}
	return c, nil
}

// newTLSConfig returns the TLS settings for both LDAPS and StartTLS: certificate and name
// checked, TLS 1.2 or later.
func newTLSConfig(cfg Config, u *url.URL) (*tls.Config, error) {
	serverName := cfg.ServerName
	if serverName == "" {
		serverName = u.Hostname()
	}
	tlsConfig := &tls.Config{ServerName: serverName, MinVersion: tls.VersionTLS12}
	if cfg.CAFile == "" {
		return tlsConfig, nil
	}
	pem, err := os.ReadFile(cfg.CAFile)
	if err != nil {
		return nil, fmt.Errorf("reading the CA file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("invalid CA file %q: it contains no PEM certificate", cfg.CAFile)
	}
	tlsConfig.RootCAs = pool
	return tlsConfig, nil
}

// session is one bound, encrypted connection that closes when its context ends.
type session struct {
	conn *ldap.Conn
	stop func() bool
}

func (s *session) close() {
	s.stop()
	s.conn.Close()
}

// errCallTimeout is the cause of a call's context when Config.Timeout ran out.
var errCallTimeout = errors.New("no response from the domain controller within the call timeout")

// callContext limits ctx to the configured timeout of one call.
func (c *Client) callContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeoutCause(ctx, c.cfg.Timeout, errCallTimeout)
}

// connect dials the domain controller, makes sure the connection is encrypted and binds as
// the service account. The connection closes when ctx ends, which aborts a pending request.
func (c *Client) connect(ctx context.Context) (*session, error) {
	password, err := c.secrets.Resolve(ctx, c.cfg.BindPassword)
	if err != nil {
		return nil, fmt.Errorf("resolving the bind password: %w", err)
	}

	raw, err := c.dial(ctx)
	if err != nil {
		return nil, classify(ctx, "connecting to "+c.url.Redacted(), err)
	}
	conn := ldap.NewConn(raw, c.url.Scheme == "ldaps")
	conn.Start()
	// Closing the connection when ctx ends aborts any pending request. No go-ldap request
	// timeout is set: it would race with the context's deadline and hide which one ran out.
	s := &session{conn: conn, stop: context.AfterFunc(ctx, func() { conn.Close() })}

	if c.url.Scheme == "ldap" {
		if err := conn.StartTLS(c.tlsConfig); err != nil {
			s.close()
			if ctx.Err() != nil {
				return nil, classify(ctx, "starting TLS with "+c.url.Redacted(), err)
			}
			// go-ldap reports a failed handshake as text only, so a certificate problem
			// cannot be distinguished from a network error here. Neither is classified as
			// retryable.
			return nil, fmt.Errorf("starting TLS with %s: %w: check that the server offers StartTLS, caFile and the server name", c.url.Redacted(), err)
		}
	}
	if _, ok := conn.TLSConnectionState(); !ok {
		s.close()
		return nil, fmt.Errorf("connection to %s is not encrypted: use ldaps:// or ldap:// with StartTLS", c.url.Redacted())
	}
	if err := conn.Bind(c.cfg.BindDN, password); err != nil {
		s.close()
		if ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) {
			return nil, fmt.Errorf("binding as %q: invalid credentials: check bindDN and the bind password", c.cfg.BindDN)
		}
		return nil, classify(ctx, fmt.Sprintf("binding as %q", c.cfg.BindDN), err)
	}
	return s, nil
}

// dial opens the TCP connection, with the TLS handshake for ldaps://, and stops when ctx
// ends.
func (c *Client) dial(ctx context.Context) (net.Conn, error) {
	port := c.url.Port()
	if port == "" {
		port = ldap.DefaultLdapPort
		if c.url.Scheme == "ldaps" {
			port = ldap.DefaultLdapsPort
		}
	}
	addr := net.JoinHostPort(c.url.Hostname(), port)
	netDialer := &net.Dialer{Timeout: c.cfg.Timeout}
	if c.url.Scheme == "ldaps" {
		tlsDialer := &tls.Dialer{NetDialer: netDialer, Config: c.tlsConfig}
		return tlsDialer.DialContext(ctx, "tcp", addr)
	}
	return netDialer.DialContext(ctx, "tcp", addr)
}
