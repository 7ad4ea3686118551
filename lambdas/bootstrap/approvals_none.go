//go:build noapprovals

package main

import (
	"context"
	"fmt"

	"github.com/secamo/orchestrator/lambdas"
	"github.com/secamo/orchestrator/tenants"
)

// registerApproval adds nothing in a binary built with -tags noapprovals, which leaves out
// the approval step and endpoint: their templates would keep most of the Graph SDK linked.
func registerApproval(context.Context, *runtime, *tenants.Config, string, lambdas.Registry) error {
	return nil
}

// approvalsEntry fails the cold start of STEP=approvals in a binary without approvals.
func approvalsEntry(context.Context, *runtime, *tenants.Config) (lambdas.Handler, error) {
	return nil, fmt.Errorf("this binary was built with -tags noapprovals: deploy the full bootstrap binary for STEP=%s", stepApprovals)
}
