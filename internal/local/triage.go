package local

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/ec2"

	awsadapter "github.com/secamo/orchestrator/adapters/cloud/aws"
	"github.com/secamo/orchestrator/adapters/intel"
	"github.com/secamo/orchestrator/adapters/intel/abuseipdb"
	"github.com/secamo/orchestrator/adapters/intel/virustotal"
	"github.com/secamo/orchestrator/lambdas"
	"github.com/secamo/orchestrator/lambdas/offboarding"
	"github.com/secamo/orchestrator/lambdas/triage"
)

// registerTriage adds the alert-triage steps over the offboarding steps' ticketing and IAM
// clients. EC2 containment needs the tenant's AWS account (aws.accountID); without it the
// containment steps fail with NotConfigured and an alert only opens a ticket. The Options'
// Containment and intel URLs replace the real services.
func (rt *Runtime) registerTriage(ctx context.Context, steps *offboarding.Steps, reg lambdas.Registry) error {
	cfg, o := rt.Tenant, rt.opts
	t := &triage.Steps{Tenant: cfg, Clock: o.Clock, Logger: o.Logger}
	if tickets, ok := steps.Tickets.(triage.Tickets); ok {
		t.Tickets = tickets
	}
	if keys, ok := steps.AccessKeys.(triage.AccessKeys); ok {
		t.AccessKeys = keys
	}
	var sources []intel.Source
	if ref := cfg.Triage.Intel.AbuseIPDBKey; ref != "" {
		sources = append(sources, abuseipdb.New(abuseipdb.Options{BaseURL: o.AbuseIPDBURL, Secrets: o.Secrets, KeyRef: ref, Logger: o.Logger}))
	}
	if ref := cfg.Triage.Intel.VirusTotalKey; ref != "" {
		sources = append(sources, virustotal.New(virustotal.Options{BaseURL: o.VirusTotalURL, Secrets: o.Secrets, KeyRef: ref, Logger: o.Logger}))
	}
	if len(sources) > 0 {
		t.Enricher = intel.NewEnricher(4, sources...)
	}
	switch {
	case o.Containment != nil:
		t.Containment = o.Containment
	case cfg.AWS.AccountID != "":
		awsCfg, err := awsadapter.TenantConfig(ctx, cfg.AWS, awsadapter.AssumeOptions{})
		if err != nil {
			return fmt.Errorf("building the EC2 client of the triage steps: %w", err)
		}
		t.Containment = awsadapter.NewContainment(ec2.NewFromConfig(awsCfg), awsadapter.ContainmentOptions{})
	}
	t.Register(reg)
	return nil
}
