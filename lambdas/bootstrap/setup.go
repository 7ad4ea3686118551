package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"

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
	"github.com/secamo/orchestrator/secrets"
	"github.com/secamo/orchestrator/tenants"
)

// stepsBuilder builds the offboarding steps' dependencies for a tenant.
type stepsBuilder func(ctx context.Context, tenant *tenants.Config, getenv func(string) string, logger *slog.Logger) (*offboarding.Steps, error)

// setup reads the environment, loads the tenant, builds the steps once and returns the
// handler of the step named by STEP.
func setup(ctx context.Context, getenv func(string) string, build stepsBuilder, logger *slog.Logger) (lambdas.Handler, error) {
	step := strings.TrimSpace(getenv("STEP"))
	if step == "" {
		return nil, errors.New("missing environment variable STEP: set it to the step's name, such as DisableEntraUser")
	}
	tenant, err := loadTenant(getenv)
	if err != nil {
		return nil, err
	}
	steps, err := build(ctx, tenant, getenv, logger)
	if err != nil {
		return nil, fmt.Errorf("building the clients of tenant %q: %w", tenant.Name, err)
	}
	reg := lambdas.Registry{}
	steps.Register(reg)
	handler, err := reg.Lookup(step)
	if err != nil {
		return nil, err
	}
	logger.Info("cold start", "step", step, "tenant", tenant.Name)
	return handler, nil
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

// buildSteps builds the real clients of the tenant's systems.
func buildSteps(ctx context.Context, tenant *tenants.Config, getenv func(string) string, logger *slog.Logger) (*offboarding.Steps, error) {
	steps := &offboarding.Steps{
		Tenant: tenant,
		Clock:  offboarding.SystemClock{},
		Logger: logger,
	}
	if dir := getenv("EVIDENCE_DIR"); dir != "" {
		steps.Evidence = offboarding.DirStore{Dir: dir}
	}

	if len(tenant.AWS.IAMUsers) > 0 {
		keys, err := accessKeys(ctx, tenant.AWS)
		if err != nil {
			return nil, err
		}
		steps.AccessKeys = keys
	}

	// TODO: plug in the other adapter constructors: Entra ID (EntraUsers, EntraGroups,
	// EntraLicenses, EntraSessions), an S3 evidence store, a notification Escalator, the
	// approval steps with their DynamoDB store, and a resolver of secretsmanager:
	// references. Until then a step that needs one of them fails with NotConfigured, and
	// STEP=RequestApproval fails with StepNotFound.
	resolver := secrets.Local{Getenv: getenv}
	if err := addActiveDirectory(steps, resolver, logger); err != nil {
		return nil, err
	}
	steps.Tickets = &lazyTickets{build: func(ctx context.Context) (ticketing.System, error) {
		return connect.New(ctx, tenant.Ticketing, resolver, connect.WithLogger(logger))
	}}

	addTicketEscalator(steps)
	return steps, nil
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
	wrapped := adAccounts{api: client}
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
