package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	awsadapter "github.com/secamo/orchestrator/adapters/cloud/aws"
	"github.com/secamo/orchestrator/adapters/intel"
	"github.com/secamo/orchestrator/adapters/intel/abuseipdb"
	"github.com/secamo/orchestrator/adapters/intel/virustotal"
	"github.com/secamo/orchestrator/lambdas"
	"github.com/secamo/orchestrator/lambdas/offboarding"
	"github.com/secamo/orchestrator/lambdas/triage"
	"github.com/secamo/orchestrator/secrets"
	"github.com/secamo/orchestrator/tenants"
)

// intelConcurrency caps the enrichment lookups of one alert that run at once.
const intelConcurrency = 4

// registerTriage adds the alert-triage steps to reg. They share the offboarding steps'
// ticketing client and reach EC2 and IAM in the tenant's account, through aws.roleARN when it
// is set. Building the clients makes no request, so a function that runs another step pays
// nothing for them.
func registerTriage(ctx context.Context, tenant *tenants.Config, steps *offboarding.Steps, resolver secrets.Resolver, reg lambdas.Registry, logger *slog.Logger) error {
	cfg, err := awsadapter.TenantConfig(ctx, tenant.AWS, awsadapter.AssumeOptions{})
	if err != nil {
		return fmt.Errorf("building the AWS clients of the triage steps: %w", err)
	}
	t := &triage.Steps{
		Tenant:      tenant,
		Enricher:    enricher(tenant.Triage.Intel, resolver, logger),
		Containment: awsadapter.NewContainment(ec2.NewFromConfig(cfg), awsadapter.ContainmentOptions{}),
		AccessKeys:  awsadapter.NewAccessKeys(iam.NewFromConfig(cfg)),
		Clock:       offboarding.SystemClock{},
		Logger:      logger,
	}
	if tickets, ok := steps.Tickets.(triage.Tickets); ok {
		t.Tickets = tickets
	}
	t.Register(reg)
	return nil
}

// enricher returns an Enricher over the intelligence services whose API key the tenant
// references, or nil when it references none: the alert then goes on unenriched.
func enricher(keys tenants.TriageIntel, resolver secrets.Resolver, logger *slog.Logger) triage.Enricher {
	var sources []intel.Source
	if keys.AbuseIPDBKey != "" {
		sources = append(sources, abuseipdb.New(abuseipdb.Options{Secrets: resolver, KeyRef: keys.AbuseIPDBKey, Logger: logger}))
	}
	if keys.VirusTotalKey != "" {
		sources = append(sources, virustotal.New(virustotal.Options{Secrets: resolver, KeyRef: keys.VirusTotalKey, Logger: logger}))
	}
	if len(sources) == 0 {
		return nil
	}
	return intel.NewEnricher(intelConcurrency, sources...)
}
