package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	awsadapter "github.com/secamo/orchestrator/adapters/cloud/aws"
	"github.com/secamo/orchestrator/adapters/identity/activedirectory"
	"github.com/secamo/orchestrator/adapters/ticketing"
	"github.com/secamo/orchestrator/adapters/ticketing/connect"
	"github.com/secamo/orchestrator/lambdas"
	"github.com/secamo/orchestrator/lambdas/offboarding"
	"github.com/secamo/orchestrator/lambdas/offboarding/adaccounts"
	"github.com/secamo/orchestrator/secrets"
	"github.com/secamo/orchestrator/tenants"
)

// stepsBuilder builds the offboarding steps' dependencies for a tenant.
type stepsBuilder func(ctx context.Context, tenant *tenants.Config, rt *runtime) (*offboarding.Steps, error)

// setup reads the environment, loads the tenant and returns the handler that STEP names: a
// step, or one of the two function URL endpoints (webhooks, approvals). Clients are built
// once, here or on their first use.
func setup(ctx context.Context, rt *runtime) (lambdas.Handler, error) {
	step := rt.env("STEP")
	if step == "" {
		return nil, errors.New("missing environment variable STEP: set it to the step's name, such as DisableEntraUser, or to webhooks or approvals")
	}
	tenant, err := loadTenant(rt.getenv)
	if err != nil {
		return nil, err
	}
	handler, err := handlerFor(ctx, rt, tenant, step)
	if err != nil {
		return nil, err
	}
	rt.logger.Info("cold start", "step", step, "tenant", tenant.Name)
	return handler, nil
}

// handlerFor builds the handler of one step or endpoint.
func handlerFor(ctx context.Context, rt *runtime, tenant *tenants.Config, step string) (lambdas.Handler, error) {
	switch step {
	case stepWebhooks:
		h, err := webhooksHandler(ctx, rt, tenant)
		if err != nil {
			return nil, fmt.Errorf("building the webhook endpoint of tenant %q: %w", tenant.Name, err)
		}
		return webhooksEntry(h, tenant.Name, rt.logger), nil
	case stepApprovals:
		h, err := approvalsEntry(ctx, rt, tenant)
		if err != nil {
			return nil, fmt.Errorf("building the approval endpoint of tenant %q: %w", tenant.Name, err)
		}
		return h, nil
	}

	build := rt.buildSteps
	if build == nil {
		build = buildSteps
	}
	steps, err := build(ctx, tenant, rt)
	if err != nil {
		return nil, fmt.Errorf("building the clients of tenant %q: %w", tenant.Name, err)
	}
	reg := lambdas.Registry{}
	steps.Register(reg)
	resolver, err := rt.secrets(ctx)
	if err != nil {
		return nil, err
	}
	if err := registerTriage(ctx, tenant, steps, resolver, reg, rt.logger); err != nil {
		return nil, err
	}
	if err := registerApproval(ctx, rt, tenant, step, reg); err != nil {
		return nil, fmt.Errorf("building the approval step of tenant %q: %w", tenant.Name, err)
	}
	return reg.Lookup(step)
}

// loadTenant parses TENANT_CONFIG, or else the file at TENANT_FILE.
func loadTenant(getenv func(string) string) (*tenants.Config, error) {
	if text := getenv("TENANT_CONFIG"); text != "" {
		return tenants.Parse("TENANT_CONFIG", []byte(text))
	}
	if path := getenv("TENANT_FILE"); path != "" {
		return tenants.Load(path)
	}
	return nil, errors.New("missing tenant configuration: set TENANT_CONFIG to the tenant file's YAML or TENANT_FILE to its path")
}

// failing returns a handler that returns err on every invocation.
func failing(err error) lambdas.Handler {
	return func(context.Context, json.RawMessage) (json.RawMessage, error) { return nil, err }
}

// buildSteps builds the real clients of the tenant's systems. The Entra and ticketing
// clients are built on their first call, because building them resolves secrets that only
// the steps using them may read.
func buildSteps(ctx context.Context, tenant *tenants.Config, rt *runtime) (*offboarding.Steps, error) {
	steps := &offboarding.Steps{
		Tenant: tenant,
		Clock:  offboarding.SystemClock{},
		Logger: rt.logger,
	}
	resolver, err := rt.secrets(ctx)
	if err != nil {
		return nil, err
	}
	if steps.Evidence, err = evidenceStore(ctx, rt); err != nil {
		return nil, err
	}

	if len(tenant.AWS.IAMUsers) > 0 {
		keys, err := accessKeys(ctx, tenant.AWS)
		if err != nil {
			return nil, err
		}
		steps.AccessKeys = keys
	}
	addEntra(steps, resolver, rt.logger)
	if err := addActiveDirectory(steps, resolver, rt.logger); err != nil {
		return nil, err
	}
	steps.Tickets = &lazyTickets{build: func(ctx context.Context) (ticketing.System, error) {
		return connect.New(ctx, tenant.Ticketing, resolver, connect.WithLogger(rt.logger))
	}}

	addTicketEscalator(steps)
	return steps, nil
}

// evidenceStore returns the S3 store of EVIDENCE_BUCKET, else the folder of EVIDENCE_DIR
// (local use), else nil: RecordEvidence then fails with NotConfigured.
func evidenceStore(ctx context.Context, rt *runtime) (offboarding.EvidenceStore, error) {
	if bucket := rt.env(envEvidenceBucket); bucket != "" {
		clients, err := rt.aws(ctx)
		if err != nil {
			return nil, err
		}
		return s3Evidence{client: clients.s3, bucket: bucket}, nil
	}
	if dir := rt.env(envEvidenceDir); dir != "" {
		return offboarding.DirStore{Dir: dir}, nil
	}
	return nil, nil
}

// addActiveDirectory sets the AD interfaces when the tenant has an AD section.
func addActiveDirectory(steps *offboarding.Steps, resolver secrets.Resolver, logger *slog.Logger) error {
	ad := steps.Tenant.Identity.ActiveDirectory
	if ad == nil {
		return nil
	}
	cfg := activedirectory.ConfigFromTenant(ad)
	cfg.Logger = logger
	client, err := activedirectory.New(cfg, resolver)
	if err != nil {
		return fmt.Errorf("building the Active Directory client: %w", err)
	}
	wrapped := adaccounts.New(client)
	steps.ADUsers, steps.ADAccounts, steps.ADGroups = wrapped, wrapped, wrapped
	return nil
}

// addTicketEscalator escalates through an internal ticket comment to the last approval
// level's approvers when no other Escalator is set.
func addTicketEscalator(steps *offboarding.Steps) {
	if steps.Escalator != nil || steps.Tickets == nil {
		return
	}
	levels := steps.Tenant.Approvals.Levels
	var contacts []string
	if len(levels) > 0 {
		contacts = levels[len(levels)-1].Approvers
	}
	steps.Escalator = &offboarding.TicketEscalator{Tickets: steps.Tickets, Contacts: contacts, Locale: steps.Tenant.Locale}
}

// accessKeys builds the IAM client of the tenant's account, assuming aws.roleARN when set.
func accessKeys(ctx context.Context, a tenants.AWS) (*awsadapter.AccessKeys, error) {
	var opts []func(*config.LoadOptions) error
	if a.Region != "" {
		opts = append(opts, config.WithRegion(a.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	if a.RoleARN != "" {
		cfg.Credentials = stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), a.RoleARN)
	}
	return awsadapter.NewAccessKeys(iam.NewFromConfig(cfg)), nil
}
