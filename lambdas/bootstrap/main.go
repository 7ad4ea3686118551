// Command bootstrap is the one Lambda entry point of every step and of the two HTTP
// endpoints (runtime provided.al2023, binary name bootstrap). The function's environment
// selects what it runs and for which tenant:
//
//	STEP             a step's registered name, such as DisableEntraUser or RequestApproval,
//	                 or webhooks or approvals for the functions behind function URLs (required)
//	TENANT_CONFIG    the tenant file's YAML text, or
//	TENANT_FILE      the path of the tenant file inside the deployment package
//	EVIDENCE_BUCKET  the bucket for evidence/ (RecordEvidence) and quarantine/ (webhooks)
//	EVIDENCE_DIR     a folder for evidence documents instead of S3, for local use
//	APPROVALS_TABLE  the DynamoDB table of approval records (RequestApproval, approvals)
//	STATE_MACHINES   a JSON object from workflow name to state machine ARN (webhooks)
//
// Secret references resolve through Secrets Manager (secretsmanager:, cached for five
// minutes), the environment (env:) and files (file:). The configuration and the clients are
// built once per cold start, a client that needs a secret on its first call. When that fails,
// every invocation returns the start-up error, so the state machine's Catch reports it on
// the ticket instead of the function crashing in a loop. The logic lives in setup, which
// tests call directly.
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
	rt := &runtime{getenv: os.Getenv, logger: logger, loadAWS: loadAWSClients}
	handler, err := setup(ctx, rt)
	if err != nil {
		logger.Error("cold start failed; every invocation returns this error", "step", os.Getenv("STEP"), "error", err)
		handler = failing(err)
	}
	lambda.Start(handler)
}
