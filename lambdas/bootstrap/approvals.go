//go:build !noapprovals

package main

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/secamo/orchestrator/approvals"
	"github.com/secamo/orchestrator/approvals/dynamostore"
	"github.com/secamo/orchestrator/approvals/notify"
	"github.com/secamo/orchestrator/approvals/sfnresolver"
	"github.com/secamo/orchestrator/lambdas"
	"github.com/secamo/orchestrator/lambdas/approval"
	"github.com/secamo/orchestrator/tenants"
)

// teamsTimeout bounds one post to a Teams webhook, well inside the step's Lambda timeout.
const teamsTimeout = 20 * time.Second

// registerApproval adds the RequestApproval and ApprovalLevels steps to reg.
func registerApproval(ctx context.Context, rt *runtime, tenant *tenants.Config, step string, reg lambdas.Registry) error {
	h, err := approvalStep(ctx, rt, tenant, step)
	if err != nil {
		return err
	}
	approval.Register(reg, h)
	return nil
}

// approvalsEntry is the approvals function's handler. A function URL request goes to the
// approval pages. The scheduled event of the stack's sweep rule runs approvals.Service.Sweep,
// which marks expired approvals and delivers decisions that Step Functions did not take.
func approvalsEntry(ctx context.Context, rt *runtime, tenant *tenants.Config) (lambdas.Handler, error) {
	h, err := approvalsHandler(ctx, rt, tenant)
	if err != nil {
		return nil, err
	}
	url := functionURL(h, rt.logger)
	return func(ctx context.Context, payload json.RawMessage) (json.RawMessage, error) {
		if !isScheduledEvent(payload) {
			return url(ctx, payload)
		}
		// The metric is taken before the sweep, which expires the overdue records: a sweep
		// every five minutes keeps it under that, and a failing one stops it altogether.
		overdue, err := h.Service.OverdueAge(ctx)
		if err != nil {
			rt.logger.ErrorContext(ctx, "overdue approvals not read", "tenant", tenant.Name, "error", err)
			return nil, err
		}
		expired, delivered, err := h.Service.Sweep(ctx)
		if err != nil {
			rt.logger.ErrorContext(ctx, "approval sweep failed", "tenant", tenant.Name, "expired", expired, "delivered", delivered, "error", err)
			return nil, err
		}
		rt.logger.InfoContext(ctx, "approval sweep", "tenant", tenant.Name, "expired", expired, "delivered", delivered)
		if err := writeMetric(rt.stdout(), tenant.Name, overdue, time.Now()); err != nil {
			rt.logger.ErrorContext(ctx, "approval metric not written", "tenant", tenant.Name, "error", err)
		}
		return json.Marshal(map[string]int{"expired": expired, "delivered": delivered})
	}, nil
}

// approvalsHandler builds GET, HEAD and POST /approvals/{tenant}/{id} on the DynamoDB store,
// resuming executions through Step Functions.
func approvalsHandler(ctx context.Context, rt *runtime, tenant *tenants.Config) (*approvals.Handler, error) {
	table, err := rt.require(envApprovalsTable, "the DynamoDB table of approval records")
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
	return &approvals.Handler{
		Service: &approvals.Service{
			Store:    dynamostore.New(clients.dynamoDB, table),
			Resolver: &sfnresolver.Resolver{Client: clients.sfn},
			Clock:    approvals.SystemClock{},
			Logger:   rt.logger,
		},
		Tenants: approvals.TenantMap{tenant.Name: tenant},
		Secrets: resolver,
		Logger:  rt.logger,
	}, nil
}

// approvalStep builds the RequestApproval and ApprovalLevels steps. Only RequestApproval
// needs the store, SES and the secrets: ApprovalLevels reads the tenant file alone.
func approvalStep(ctx context.Context, rt *runtime, tenant *tenants.Config, step string) (*approval.Handler, error) {
	h := &approval.Handler{
		Tenants: approvals.TenantMap{tenant.Name: tenant},
		Clock:   approvals.SystemClock{},
		Logger:  rt.logger,
	}
	if step != approval.StepName {
		return h, nil
	}
	table, err := rt.require(envApprovalsTable, "the DynamoDB table of approval records")
	if err != nil {
		return nil, err
	}
	clients, err := rt.aws(ctx)
	if err != nil {
		return nil, err
	}
	if h.Secrets, err = rt.secrets(ctx); err != nil {
		return nil, err
	}
	h.Store = dynamostore.New(clients.dynamoDB, table)
	h.Email = &notify.SES{Client: clients.ses}
	h.Teams = &notify.Teams{Client: &http.Client{Timeout: teamsTimeout}}
	return h, nil
}
