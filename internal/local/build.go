package local

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"time"

	"github.com/secamo/orchestrator/adapters/identity/entra"
	"github.com/secamo/orchestrator/adapters/ticketing/connect"
	"github.com/secamo/orchestrator/approvals"
	"github.com/secamo/orchestrator/approvals/notify"
	"github.com/secamo/orchestrator/approvals/sqlitestore"
	"github.com/secamo/orchestrator/engine"
	enginestore "github.com/secamo/orchestrator/engine/store"
	"github.com/secamo/orchestrator/events/ingest"
	"github.com/secamo/orchestrator/events/rules"
	"github.com/secamo/orchestrator/lambdas"
	"github.com/secamo/orchestrator/lambdas/approval"
	"github.com/secamo/orchestrator/lambdas/offboarding"
	"github.com/secamo/orchestrator/statemachines"
	"github.com/secamo/orchestrator/tenants"
)

// build creates the store, the steps, the engine with every workflow, and the HTTP mux.
func (rt *Runtime) build(ctx context.Context) error {
	o := rt.opts
	store, err := sqlitestore.Open(ctx, filepath.Join(o.DataDir, "approvals.db"))
	if err != nil {
		return fmt.Errorf("opening the approval store: %w", err)
	}
	rt.store = store

	if err := rt.checkSigningKey(ctx); err != nil {
		return err
	}
	reg := lambdas.Registry{}
	steps, err := rt.steps(ctx)
	if err != nil {
		return fmt.Errorf("building the clients of tenant %q: %w", rt.Tenant.Name, err)
	}
	steps.Register(reg)
	if err := rt.registerApproval(ctx, reg); err != nil {
		return err
	}
	if err := rt.registerTriage(ctx, steps, reg); err != nil {
		return err
	}

	handlers := map[string]engine.Handler{}
	subs := map[string]string{}
	for name, h := range reg {
		handlers[name], subs[name] = engine.Handler(h), name
	}
	eo := engine.Options{Clock: o.Clock, Handlers: handlers, Logger: o.Logger}
	if o.Durable {
		if rt.engineDB, err = enginestore.Open(ctx, filepath.Join(o.DataDir, "engine.db"), enginestore.Options{}); err != nil {
			return fmt.Errorf("opening the engine store: %w", err)
		}
		eo.Store = rt.engineDB
	}
	rt.Engine = engine.New(eo)
	if rt.Workflows, err = statemachines.CreateAll(ctx, rt.Engine, subs); err != nil {
		return fmt.Errorf("creating the workflows: %w", err)
	}
	if o.Durable {
		if err := rt.Engine.Recover(ctx); err != nil {
			return fmt.Errorf("continuing the stored executions: %w", err)
		}
	}
	rt.Approvals = &approvals.Service{Store: store, Resolver: rt.Engine, Clock: o.Clock, Logger: o.Logger}
	rt.server = &http.Server{Handler: rt.mux(), ReadHeaderTimeout: 10 * time.Second}
	return nil
}

// steps builds the offboarding steps over the tenant's adapters and the Options' overrides.
func (rt *Runtime) steps(ctx context.Context) (*offboarding.Steps, error) {
	o, cfg := rt.opts, rt.Tenant
	steps := &offboarding.Steps{
		Tenant: cfg, Clock: o.Clock, Logger: o.Logger,
		Evidence: offboarding.DirStore{Dir: rt.EvidenceDir},
	}
	tickets, err := connect.New(ctx, cfg.Ticketing, o.Secrets, connect.WithLogger(o.Logger))
	if err != nil {
		return nil, fmt.Errorf("building the ticketing adapter: %w", err)
	}
	steps.Tickets = tickets
	if err := rt.addEntra(ctx, steps); err != nil {
		return nil, err
	}
	if err := rt.addActiveDirectory(steps); err != nil {
		return nil, err
	}
	if err := rt.addAccessKeys(ctx, steps); err != nil {
		return nil, err
	}
	addTicketEscalator(steps)
	return steps, nil
}

// addEntra sets the Entra interfaces when the tenant has an Entra section.
func (rt *Runtime) addEntra(ctx context.Context, steps *offboarding.Steps) error {
	cfg := rt.Tenant.Identity.Entra
	if cfg == nil {
		return nil
	}
	eo := entra.Options{Logger: rt.opts.Logger}
	if rt.opts.GraphToken != "" {
		eo.Token = entra.StaticToken(rt.opts.GraphToken)
	}
	if rt.opts.GraphRetries != nil {
		eo.Clock = rt.opts.GraphRetries
	}
	client, err := entra.New(ctx, *cfg, rt.opts.Secrets, eo)
	if err != nil {
		return fmt.Errorf("building the Entra ID client: %w", err)
	}
	rt.graph = client
	steps.EntraUsers, steps.EntraGroups, steps.EntraLicenses, steps.EntraSessions = client, client, client, client
	return nil
}

// addTicketEscalator escalates through an internal ticket comment to the last approval
// level's approvers, as the Lambda entry point does.
func addTicketEscalator(steps *offboarding.Steps) {
	levels := steps.Tenant.Approvals.Levels
	var contacts []string
	if len(levels) > 0 {
		contacts = levels[len(levels)-1].Approvers
	}
	steps.Escalator = &offboarding.TicketEscalator{Tickets: steps.Tickets, Contacts: contacts, Locale: steps.Tenant.Locale}
}

// registerApproval adds RequestApproval and ApprovalLevels with the SQLite store and the
// tenant's local e-mail sender.
func (rt *Runtime) registerApproval(ctx context.Context, reg lambdas.Registry) error {
	sender, err := notify.LocalSender(ctx, rt.Tenant, rt.opts.Secrets)
	if err != nil {
		return fmt.Errorf("building the approval e-mail sender: %w", err)
	}
	if out, ok := sender.(*notify.Outbox); ok {
		rt.Outbox = out.Dir
	}
	if rt.opts.EmailSent != nil {
		sender = &observedSender{next: sender, sent: rt.opts.EmailSent}
	}
	h := &approval.Handler{
		Store:   rt.store,
		Tenants: approvals.TenantMap{rt.Tenant.Name: rt.Tenant},
		Secrets: rt.opts.Secrets,
		Email:   sender,
		Clock:   rt.opts.Clock,
		Logger:  rt.opts.Logger,
	}
	if rt.Tenant.Approvals.TeamsWebhook != "" {
		h.Teams = &notify.Teams{}
	}
	approval.Register(reg, h)
	return nil
}

// mux serves the webhooks, the approval pages and the execution view.
func (rt *Runtime) mux() http.Handler {
	o := rt.opts
	tenantMap := map[string]*tenants.Config{rt.Tenant.Name: rt.Tenant}
	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/{tenant}/{system}", &ingest.Handler{
		Tenants:    tenantMap,
		Secrets:    o.Secrets,
		Rules:      rules.All(),
		Starter:    &starter{engine: rt.Engine, workflows: rt.Workflows, dryRun: o.DryRun},
		Quarantine: ingest.Dir{Path: filepath.Join(o.DataDir, "quarantine")},
		Clock:      o.Clock,
		Logger:     o.Logger,
	})
	approvalPages := &approvals.Handler{Service: rt.Approvals, Tenants: approvals.TenantMap(tenantMap), Secrets: o.Secrets, Logger: o.Logger}
	mux.Handle("/approvals/{tenant}/{id}", approvalPages)
	mux.HandleFunc("GET /executions/{workflow}/{name}", rt.serveExecution)
	return mux
}

// observedSender calls sent after each e-mail next sent.
type observedSender struct {
	next notify.EmailSender
	sent func(notify.Email)
}

func (o *observedSender) Send(ctx context.Context, e notify.Email) error {
	if err := o.next.Send(ctx, e); err != nil {
		return err
	}
	o.sent(e)
	return nil
}

// checkSigningKey resolves the approval link key at start-up, so a missing or short key stops
// the runtime with the field's name instead of failing the first approval request.
func (rt *Runtime) checkSigningKey(ctx context.Context) error {
	key, err := rt.opts.Secrets.Resolve(ctx, rt.Tenant.Approvals.SigningKey)
	if err != nil {
		return fmt.Errorf("approvals.signingKey: %w", err)
	}
	if _, err := approvals.NewSigner([]byte(key)); err != nil {
		return fmt.Errorf("approvals.signingKey: %w", err)
	}
	return nil
}
