package approvals_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secamo/orchestrator/approvals"
	"github.com/secamo/orchestrator/approvals/sqlitestore"
	"github.com/secamo/orchestrator/approvals/storetest"
	"github.com/secamo/orchestrator/secrets"
	"github.com/secamo/orchestrator/tenants"
)

// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Error types named like the engine's and Step Functions' errors.
type (
	TaskTimedOut     struct{}
	TaskDoesNotExist struct{}
	InvalidToken     struct{}
)

func (*TaskTimedOut) Error() string     { return "task timed out" }
func (*TaskDoesNotExist) Error() string { return "task does not exist" }
func (*InvalidToken) Error() string     { return "invalid token" }

type resolverCall struct {
	Method, Token, Output, ErrorName, Cause string
}

// fakeResolver records the calls of a TaskResolver and returns Err.
type fakeResolver struct {
	mu    sync.Mutex
	calls []resolverCall
	Err   error
}

func (f *fakeResolver) SendTaskSuccess(ctx context.Context, token, output string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, resolverCall{Method: "SendTaskSuccess", Token: token, Output: output})
	return f.Err
}

func (f *fakeResolver) SendTaskFailure(ctx context.Context, token, errorName, cause string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, resolverCall{Method: "SendTaskFailure", Token: token, ErrorName: errorName, Cause: cause})
	return f.Err
}

func (f *fakeResolver) Calls() []resolverCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]resolverCall(nil), f.calls...)
}

// env is a running approval endpoint with two tenants, acme (nl) and globex (fr).
type env struct {
	t        *testing.T
	store    *sqlitestore.Store
	resolver *fakeResolver
	clock    *fakeClock
	server   *httptest.Server
	signers  map[string]*approvals.Signer
	tenants  approvals.TenantMap
}

func tenantConfig(name, locale string) *tenants.Config {
	return &tenants.Config{
		Name: name, Locale: locale, Timezone: "Europe/Brussels",
		Approvals: tenants.Approvals{
			SigningKey: secrets.Ref("env:" + strings.ToUpper(name) + "_SIGNING_KEY"),
			BaseURL:    "https://approvals." + name + ".example",
		},
	}
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	store, err := sqlitestore.Open(ctx, filepath.Join(t.TempDir(), "approvals.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	keys := secrets.Static{
		"env:ACME_SIGNING_KEY":   "acme-signing-key-0123456789abcdef0123456789",
		"env:GLOBEX_SIGNING_KEY": "globex-signing-key-0123456789abcdef012345678",
	}
	e := &env{
		t: t, store: store, resolver: &fakeResolver{},
		clock:   &fakeClock{now: storetest.Base.Add(10 * time.Minute)},
		tenants: approvals.TenantMap{"acme": tenantConfig("acme", "nl"), "globex": tenantConfig("globex", "fr")},
		signers: map[string]*approvals.Signer{},
	}
	for name, cfg := range e.tenants {
		s, err := approvals.SignerFor(ctx, keys, cfg)
		if err != nil {
			t.Fatal(err)
		}
		e.signers[name] = s
	}
	h := &approvals.Handler{
		Service: &approvals.Service{Store: store, Resolver: e.resolver, Clock: e.clock},
		Tenants: e.tenants,
		Secrets: keys,
	}
	e.server = httptest.NewServer(h)
	t.Cleanup(e.server.Close)
	return e
}

// create stores a pending record for tenant acme and returns it.
func (e *env) create() approvals.Record {
	e.t.Helper()
	r := storetest.NewRecord()
	if err := e.store.Create(context.Background(), r); err != nil {
		e.t.Fatal(err)
	}
	return r
}

// link returns the signed URL on the test server for an approver of r.
func (e *env) link(r approvals.Record, approver string) string {
	return e.signers[r.Tenant].URL(e.server.URL, approvals.Link{Tenant: r.Tenant, ID: r.ID, Approver: approver, Expires: r.ExpiresAt})
}

type response struct {
	Status int
	Body   string
}

func (e *env) do(method, rawURL string, form url.Values) response {
	e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, rawURL, body)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("User-Agent", "approvals-test")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := e.server.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return response{Status: resp.StatusCode, Body: html.UnescapeString(string(b))}
}

var (
	formTokenPattern  = regexp.MustCompile(`name="form_token" value="([^"]+)"`)
	formActionPattern = regexp.MustCompile(`<form method="post" action="([^"]+)"`)
)

// open GETs the link like a browser and returns the URL the form posts to and its form token.
func (e *env) open(link string) (action, token string) {
	e.t.Helper()
	resp := e.do(http.MethodGet, link, nil)
	if resp.Status != http.StatusOK {
		e.t.Fatalf("GET %s = %d, want 200:\n%s", link, resp.Status, resp.Body)
	}
	m := formTokenPattern.FindStringSubmatch(resp.Body)
	if m == nil || !strings.Contains(resp.Body, `<form method="post">`) {
		e.t.Fatalf("confirmation page has no form that posts to its own URL:\n%s", resp.Body)
	}
	return link, m[1]
}

func (e *env) post(action, token string, d approvals.Decision, comment string) response {
	e.t.Helper()
	return e.do(http.MethodPost, action, url.Values{"form_token": {token}, "decision": {string(d)}, "comment": {comment}})
}

func (e *env) get(id string) approvals.Record {
	e.t.Helper()
	r, err := e.store.Get(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

func (e *env) outcomes(id string) []string {
	e.t.Helper()
	events, err := e.store.Audit(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, ev := range events {
		out = append(out, ev.Method+" "+ev.Outcome)
	}
	return out
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
