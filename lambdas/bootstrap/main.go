// Command bootstrap is the one Lambda entry point of every step (runtime provided.al2023,
// binary name bootstrap). The function's environment selects the step and the tenant:
//
//	STEP            the step's registered name, such as DisableEntraUser (required)
//	TENANT_CONFIG   the tenant file's YAML text, or
//	TENANT_FILE     the path of the tenant file inside the deployment package
//	EVIDENCE_DIR    the folder evidence documents are written to (RecordEvidence only)
//
// The configuration and the clients are built once per cold start. When that fails, every
// invocation returns the start-up error, so the state machine's Catch reports it on the
// ticket instead of the function crashing in a loop. The logic lives in setup, which tests
// call directly.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	ctx := context.Background()
	handler, err := setup(ctx, os.Getenv, buildSteps, logger)
	if err != nil {
		logger.Error("cold start failed; every invocation returns this error", "step", os.Getenv("STEP"), "error", err)
		handler = failing(err)
	}
	lambda.Start(handler)
}
