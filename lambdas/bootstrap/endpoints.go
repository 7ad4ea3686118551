package main

import (
	"context"
	"net/http"

	"github.com/secamo/orchestrator/events/ingest"
	"github.com/secamo/orchestrator/events/rules"
	"github.com/secamo/orchestrator/tenants"
)

// Values of STEP for the two functions behind function URLs.
const (
	stepWebhooks  = "webhooks"
	stepApprovals = "approvals"
)

// webhooksHandler builds POST /webhooks/{tenant}/{system}: it starts executions through
// Step Functions and quarantines to the evidence bucket under quarantine/.
func webhooksHandler(ctx context.Context, rt *runtime, tenant *tenants.Config) (http.Handler, error) {
	bucket, err := rt.require(envEvidenceBucket, "the bucket that keeps quarantined webhook requests under quarantine/")
	if err != nil {
		return nil, err
	}
	machines, err := parseStateMachines(rt.getenv(envStateMachines))
	if err != nil {
		return nil, err
	}
	clients, err := rt.aws(ctx)
	if err != nil {
		return nil, err
	}
	resolver, err := rt.secrets(ctx)
	if err != nil {
		return nil, err
	}
	return &ingest.Handler{
		Tenants:    map[string]*tenants.Config{tenant.Name: tenant},
		Secrets:    resolver,
		Rules:      rules.All(),
		Starter:    &sfnStarter{client: clients.sfn, machines: machines},
		Quarantine: s3Quarantine{client: clients.s3, bucket: bucket},
		Logger:     rt.logger,
	}, nil
}
