package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/secamo/orchestrator/approvals/dynamostore"
	"github.com/secamo/orchestrator/approvals/notify"
	"github.com/secamo/orchestrator/approvals/sfnresolver"
	"github.com/secamo/orchestrator/secrets"
	"github.com/secamo/orchestrator/secrets/awssecrets"
)

// Environment variables the function reads, besides STEP, TENANT_CONFIG and TENANT_FILE.
const (
	envEvidenceBucket = "EVIDENCE_BUCKET"
	envEvidenceDir    = "EVIDENCE_DIR"
	envApprovalsTable = "APPROVALS_TABLE"
	envStateMachines  = "STATE_MACHINES"
)

// objectPutter is the part of the S3 client that the evidence store and the quarantine call.
type objectPutter interface {
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
}

// sfnClient is the part of the Step Functions client that the webhook and approval
// endpoints call.
type sfnClient interface {
	sfnresolver.Client
	StartExecution(ctx context.Context, in *sfn.StartExecutionInput, opts ...func(*sfn.Options)) (*sfn.StartExecutionOutput, error)
}

// awsClients are the clients of the function's own account and region.
type awsClients struct {
	secrets  awssecrets.Client
	s3       objectPutter
	dynamoDB dynamostore.Client
	ses      notify.SESClient
	sfn      sfnClient
}

var (
	_ objectPutter = (*s3.Client)(nil)
	_ sfnClient    = (*sfn.Client)(nil)
)

// loadAWSClients builds the clients from the Lambda environment (AWS_REGION and the
// execution role). It sends no request.
func loadAWSClients(ctx context.Context) (*awsClients, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	return &awsClients{
		secrets:  secretsmanager.NewFromConfig(cfg),
		s3:       s3.NewFromConfig(cfg),
		dynamoDB: dynamodb.NewFromConfig(cfg),
		ses:      sesv2.NewFromConfig(cfg),
		sfn:      sfn.NewFromConfig(cfg),
	}, nil
}

// runtime is the input of a cold start: the environment, the logger and the AWS clients.
// main passes the real ones and tests pass fakes. It is used by one goroutine only.
type runtime struct {
	getenv func(string) string
	logger *slog.Logger
	// loadAWS builds the AWS clients. The aws method calls it at most once and keeps the
	// result.
	loadAWS func(ctx context.Context) (*awsClients, error)
	// buildSteps builds the offboarding steps; nil means buildSteps.
	buildSteps stepsBuilder
	// metrics receives the embedded-metric log lines; nil means standard output.
	metrics io.Writer

	clients  *awsClients
	resolver secrets.Resolver
}

// env returns the trimmed value of an environment variable.
func (rt *runtime) env(name string) string { return strings.TrimSpace(rt.getenv(name)) }

// require returns the value of an environment variable, or an error naming it.
func (rt *runtime) require(name, what string) (string, error) {
	v := rt.env(name)
	if v == "" {
		return "", fmt.Errorf("missing environment variable %s: set it to %s", name, what)
	}
	return v, nil
}

func (rt *runtime) aws(ctx context.Context) (*awsClients, error) {
	if rt.clients != nil {
		return rt.clients, nil
	}
	clients, err := rt.loadAWS(ctx)
	if err != nil {
		return nil, err
	}
	rt.clients = clients
	return clients, nil
}

// secrets returns the resolver of the tenant's secret references: Secrets Manager with a
// cache for secretsmanager:, the environment and files for env: and file:.
func (rt *runtime) secrets(ctx context.Context) (secrets.Resolver, error) {
	if rt.resolver != nil {
		return rt.resolver, nil
	}
	clients, err := rt.aws(ctx)
	if err != nil {
		return nil, err
	}
	rt.resolver = awssecrets.Routing{
		SecretsManager: awssecrets.New(clients.secrets, awssecrets.Options{}),
		Local:          secrets.Local{Getenv: rt.getenv},
	}
	return rt.resolver, nil
}
