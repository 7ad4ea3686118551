package demo

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/secamo/orchestrator/approvals/notify"
	"github.com/secamo/orchestrator/events/ingest"
	"github.com/secamo/orchestrator/internal/local"
	"github.com/secamo/orchestrator/sandbox/ad"
	"github.com/secamo/orchestrator/sandbox/ec2"
	"github.com/secamo/orchestrator/sandbox/graph"
	"github.com/secamo/orchestrator/sandbox/intel"
	"github.com/secamo/orchestrator/sandbox/ticketing"
	"github.com/secamo/orchestrator/sandbox/ticketing/servicedeskplus"
	"github.com/secamo/orchestrator/secrets"
	"github.com/secamo/orchestrator/tenants"
)

// Options configures an Environment.
type Options struct {
	// Leaver is the user principal name on the HR ticket, by default Leaver.
	Leaver string
	// Locale overrides the tenant's locale (nl, fr or en) when set.
	Locale string
	// Runtime contains the clock, data folder, listen address, logger and dry run for the
	// runtime. Start fills in the emulator URLs, secrets, AD and IAM.
	Runtime local.Options
	// Prepare, when set, changes the tenant or the seeded emulators before the runtime is
	// built (exclusions, faults).
	Prepare func(e *Environment) error
}

// Environment is the demo tenant running on the emulators: Graph, ServiceDesk Plus, the
// in-memory AD and IAM, and the local runtime in front of them.
type Environment struct {
	Tenant  *tenants.Config
	Runtime *local.Runtime
	Graph   *graph.Server
	SDP     *servicedeskplus.Server
	AD      *ad.Directory
	IAM     *AccessKeys
	// EC2, AbuseIPDB and VirusTotal serve the alert-triage demo: the instance of the
	// GuardDuty finding and the intel on the address it talks to.
	EC2        *ec2.EC2
	AbuseIPDB  *intel.AbuseIPDB
	VirusTotal *intel.VirusTotal
	// Ticket is the seeded HR request.
	Ticket ticketing.Record
	// Emails receives every approval e-mail the runtime sends.
	Emails chan notify.Email

	webhookToken string
	runtime      local.Options
	servers      []*httptest.Server
}

// Start starts the emulators with the demo data and builds the runtime for the tenant in
// cfg, pointing its URLs at the emulators. Close stops the emulators. Cancel the context
// given to Runtime.Run to stop the server.
func Start(ctx context.Context, cfg *tenants.Config, opts Options) (env *Environment, err error) {
	if cfg.Ticketing.System != "servicedeskplus" || cfg.Identity.Entra == nil {
		return nil, fmt.Errorf("tenant %q does not fit the demo: it needs ticketing.system servicedeskplus and an identity.entra section, as tenants/demo.yaml has", cfg.Name)
	}
	if opts.Leaver == "" {
		opts.Leaver = Leaver
	}
	if opts.Locale != "" {
		cfg.Locale = opts.Locale
	}
	e := &Environment{Tenant: cfg, Emails: make(chan notify.Email, 16)}
	defer func() {
		if err != nil {
			e.Close()
		}
	}()
	sdpToken, graphToken := randomHex(), randomHex()
	e.webhookToken = randomHex()

	e.Graph = graph.New(graph.Options{Token: graphToken})
	if err := e.Graph.SeedDemo(); err != nil {
		return nil, err
	}
	e.SDP = servicedeskplus.New(servicedeskplus.Options{OAuthToken: sdpToken})
	e.Ticket = e.SDP.Store.Seed(Ticket(opts.Leaver, "2026-12-11"))[0]
	e.AD = ad.New(DisabledOU, nil)
	if err := SeedAD(e.AD); err != nil {
		return nil, err
	}
	e.IAM = NewAccessKeys()
	e.EC2 = ec2.New(nil)
	if err := SeedEC2(e.EC2); err != nil {
		return nil, err
	}
	abuseKey, vtKey := randomHex(), randomHex()
	abuseURL, vtURL, err := e.startIntel(abuseKey, vtKey)
	if err != nil {
		return nil, err
	}

	graphSrv, sdpSrv := ticketing.Start(e.Graph), e.SDP.Start()
	e.servers = append(e.servers, graphSrv, sdpSrv)
	cfg.Ticketing.BaseURL = sdpSrv.URL
	if cfg.Identity.Entra != nil {
		cfg.Identity.Entra.GraphURL = graphSrv.URL + graph.BasePath
	}
	if opts.Prepare != nil {
		if err := opts.Prepare(e); err != nil {
			return nil, err
		}
	}

	ro := opts.Runtime
	static := secrets.Static{
		cfg.Ticketing.Credentials: sdpToken,
		cfg.Approvals.SigningKey:  randomHex() + randomHex(),
		cfg.Events.WebhookSecret:  e.webhookToken,
	}
	for ref, key := range map[secrets.Ref]string{cfg.Triage.Intel.AbuseIPDBKey: abuseKey, cfg.Triage.Intel.VirusTotalKey: vtKey} {
		if ref != "" {
			static[ref] = key
		}
	}
	ro.Secrets = static
	ro.Containment, ro.AbuseIPDBURL, ro.VirusTotalURL = e.EC2, abuseURL, vtURL
	ro.GraphToken, ro.AD, ro.AccessKeys, ro.LinksToServer = graphToken, e.AD, e.IAM, true
	ro.EmailSent = func(m notify.Email) {
		select {
		case e.Emails <- m:
		default:
		}
	}
	if ro.Listen == "" {
		ro.Listen = "127.0.0.1:0"
	}
	e.runtime = ro
	if e.Runtime, err = local.New(ctx, cfg, ro); err != nil {
		return nil, err
	}
	return e, nil
}

// Restart builds a new runtime with the same options, data folder and emulators, as a
// restarted process would. Stop the previous runtime's Run first. The new one listens on
// a new port, so approval links sent before point at the old address.
func (e *Environment) Restart(ctx context.Context) error {
	rt, err := local.New(ctx, e.Tenant, e.runtime)
	if err != nil {
		return err
	}
	e.Runtime = rt
	return nil
}

// Close stops the emulators.
func (e *Environment) Close() {
	for _, s := range e.servers {
		s.Close()
	}
}

// WebhookResponse is the response of the webhook endpoint.
type WebhookResponse struct {
	Status int
	Body   ingest.Response
	Raw    []byte
}

// ExecutionARN returns the first execution the webhook started or found, or "".
func (r WebhookResponse) ExecutionARN() string {
	for _, ev := range r.Body.Events {
		for _, x := range ev.Executions {
			if x.ID != "" {
				return x.ID
			}
		}
	}
	return ""
}

// PostWebhook posts body to the runtime's ServiceDesk Plus webhook with the tenant's token
// in the header, as the ticketing system's custom trigger is set up to do.
func (e *Environment) PostWebhook(ctx context.Context, body []byte) (WebhookResponse, error) {
	return e.PostWebhookTo(ctx, "servicedeskplus", body)
}

// PostWebhookTo posts body to the webhook endpoint of the named system, authenticated as
// that system does: Jira signs the body, the others send the tenant's token in a header.
func (e *Environment) PostWebhookTo(ctx context.Context, system string, body []byte) (WebhookResponse, error) {
	url := fmt.Sprintf("%s/webhooks/%s/%s", e.Runtime.URL(), e.Tenant.Name, system)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return WebhookResponse{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	if system == "jira" {
		// Jira signs the body with the webhook's secret instead of sending it.
		mac := hmac.New(sha256.New, []byte(e.webhookToken))
		mac.Write(body)
		req.Header.Set(ingest.SignatureHeader, "sha256="+hex.EncodeToString(mac.Sum(nil)))
	} else {
		req.Header.Set(ingest.TokenHeader, e.webhookToken)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return WebhookResponse{}, fmt.Errorf("posting the webhook: %w", err)
	}
	defer resp.Body.Close()
	out := WebhookResponse{Status: resp.StatusCode}
	if out.Raw, err = io.ReadAll(resp.Body); err != nil {
		return out, err
	}
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(out.Raw, &out.Body); err != nil {
			return out, fmt.Errorf("decoding the webhook response: %w", err)
		}
	}
	return out, nil
}

// PostTicketWebhook posts the demo ticket's webhook body.
func (e *Environment) PostTicketWebhook(ctx context.Context) (WebhookResponse, error) {
	body, err := WebhookBody(e.Ticket)
	if err != nil {
		return WebhookResponse{}, err
	}
	return e.PostWebhook(ctx, body)
}

// Comments returns the bodies of the ticket's comments and notes.
func (e *Environment) Comments() []string {
	var out []string
	for _, c := range e.SDP.Store.Comments(e.Ticket.ID) {
		out = append(out, c.Body)
	}
	return out
}

// CommentsText returns every comment, joined with blank lines.
func (e *Environment) CommentsText() string { return strings.Join(e.Comments(), "\n\n") }

func randomHex() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
