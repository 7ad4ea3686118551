package main

import (
	"context"
	"encoding/json"
	"log/slog"

	"github.com/secamo/orchestrator/events/ingest"
	"github.com/secamo/orchestrator/events/rules"
	"github.com/secamo/orchestrator/lambdas"
	"github.com/secamo/orchestrator/tenants"
)

// Values of STEP for the two functions behind function URLs.
const (
	stepWebhooks  = "webhooks"
	stepApprovals = "approvals"
)

// webhooksHandler builds POST /webhooks/{tenant}/{system}: it starts executions through
// Step Functions and quarantines to the evidence bucket under quarantine/.
func webhooksHandler(ctx context.Context, rt *runtime, tenant *tenants.Config) (*ingest.Handler, error) {
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

// webhooksEntry is the webhooks function's handler. It takes two kinds of invocation: a
// function URL request, POST /webhooks/{tenant}/{system}, and a GuardDuty or Security Hub
// finding that an EventBridge rule on the account's default bus delivers.
func webhooksEntry(h *ingest.Handler, tenant string, logger *slog.Logger) lambdas.Handler {
	url := functionURL(h, logger)
	return func(ctx context.Context, payload json.RawMessage) (json.RawMessage, error) {
		if !isEventBridgeEvent(payload) {
			return url(ctx, payload)
		}
		resp, err := h.HandleEvent(ctx, tenant, payload)
		if err != nil {
			logger.ErrorContext(ctx, "EventBridge event not processed", "tenant", tenant, "error", err)
			return nil, err
		}
		return json.Marshal(resp)
	}
}

// isEventBridgeEvent reports whether payload is an event that EventBridge delivered, which
// has a detail-type and no requestContext, unlike a function URL request.
func isEventBridgeEvent(payload json.RawMessage) bool {
	probe, ok := probeEvent(payload)
	return ok && probe.DetailType != nil
}

// isScheduledEvent reports whether payload is the event of an EventBridge schedule.
func isScheduledEvent(payload json.RawMessage) bool {
	probe, ok := probeEvent(payload)
	return ok && probe.DetailType != nil && *probe.DetailType == "Scheduled Event" && probe.Source == "aws.events"
}

type eventProbe struct {
	DetailType     *string         `json:"detail-type"`
	Source         string          `json:"source"`
	RequestContext json.RawMessage `json:"requestContext"`
}

// probeEvent reads the fields that tell an EventBridge event from a function URL request.
func probeEvent(payload json.RawMessage) (eventProbe, bool) {
	var probe eventProbe
	if err := json.Unmarshal(payload, &probe); err != nil || probe.RequestContext != nil {
		return probe, false
	}
	return probe, true
}
