package infra

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/secamo/orchestrator/tenants"
)

// Endpoint handler names, the values of EnvHandler for the two HTTP functions.
const (
	HandlerWebhooks  = "webhooks"
	HandlerApprovals = "approvals"
)

// endpointConcurrency caps each HTTP function's concurrent executions, which throttles a flood
// of requests before it reaches the ticketing system or the approvals table.
const endpointConcurrency = 10

// EndpointsProps configures NewEndpoints.
type EndpointsProps struct {
	Tenant    *tenants.Config
	AssetDir  string
	Storage   *Storage
	Workflows *Workflows
}

// Endpoints holds the webhook ingestion and approval decision functions and their URLs.
type Endpoints struct {
	constructs.Construct
	Webhooks, Approvals         awslambda.Function
	WebhooksRole, ApprovalsRole awsiam.Role
	WebhooksURL, ApprovalsURL   awslambda.FunctionUrl
}

// NewEndpoints creates the two public HTTP functions. They authenticate each request
// themselves (webhook signatures, signed approval links), so their URLs use no IAM auth. The
// webhooks function also takes the findings of the default-bus rules; see RouteFindings.
func NewEndpoints(scope constructs.Construct, id string, p *EndpointsProps) (*Endpoints, error) {
	c := constructs.NewConstruct(scope, jsii.String(id))
	e := &Endpoints{Construct: c}
	t := p.Tenant

	var err error
	// STATE_MACHINES maps each workflow the tenant enabled to its state machine's ARN, which the
	// webhook function starts executions of under the event's name.
	machines := map[string]any{}
	for _, name := range p.Workflows.Names() {
		if t.WorkflowEnabled(name) {
			machines[name] = p.Workflows.Machines[name].StateMachineArn()
		}
	}
	e.Webhooks, e.WebhooksRole, err = newFunction(c, "Webhooks", functionProps{
		Tenant: t, AssetDir: p.AssetDir, Binary: binaryCore, Handler: HandlerWebhooks, Timeout: 30, Reserved: endpointConcurrency,
		Env: map[string]string{
			"EVIDENCE_BUCKET": *p.Storage.Bucket.BucketName(),
			"STATE_MACHINES":  *awscdk.Stack_Of(c).ToJsonString(machines, nil),
		},
	})
	if err != nil {
		return nil, err
	}
	if err := grantSecrets(e.WebhooksRole, t, "events.webhookSecret", t.Events.WebhookSecret); err != nil {
		return nil, err
	}
	grantPutObjects(e.WebhooksRole, p.Storage, "quarantine/")
	for _, name := range p.Workflows.Names() {
		if t.WorkflowEnabled(name) {
			p.Workflows.Machines[name].GrantStartExecution(e.WebhooksRole)
		}
	}

	e.Approvals, e.ApprovalsRole, err = newFunction(c, "Approvals", functionProps{
		Tenant: t, AssetDir: p.AssetDir, Binary: binaryCore, Handler: HandlerApprovals, Timeout: 30, Reserved: endpointConcurrency,
		Env: map[string]string{"APPROVALS_TABLE": *p.Storage.ApprovalsTable.TableName()},
	})
	if err != nil {
		return nil, err
	}
	p.Storage.ApprovalsTable.GrantReadWriteData(e.ApprovalsRole)
	if err := grantSecrets(e.ApprovalsRole, t, "approvals.signingKey", t.Approvals.SigningKey); err != nil {
		return nil, err
	}
	for _, name := range p.Workflows.Names() {
		p.Workflows.Machines[name].GrantTaskResponse(e.ApprovalsRole)
	}

	// Every five minutes the approvals function marks expired approvals and delivers the
	// decisions Step Functions did not take (approvals.Service.Sweep).
	sweep := awsevents.NewRule(c, jsii.String("ApprovalSweep"), &awsevents.RuleProps{
		Description: jsii.String("marks expired approvals of tenant " + t.Name + " and retries undelivered decisions"),
		Schedule:    awsevents.Schedule_Rate(awscdk.Duration_Minutes(jsii.Number(5))),
	})
	sweep.AddTarget(awseventstargets.NewLambdaFunction(e.Approvals, &awseventstargets.LambdaFunctionProps{
		RetryAttempts: jsii.Number(0), // EventBridge does not resend; the next sweep comes in five minutes
	}))

	urlProps := &awslambda.FunctionUrlOptions{AuthType: awslambda.FunctionUrlAuthType_NONE}
	e.WebhooksURL = e.Webhooks.AddFunctionUrl(urlProps)
	e.ApprovalsURL = e.Approvals.AddFunctionUrl(urlProps)
	awscdk.NewCfnOutput(c, jsii.String("WebhooksUrl"), &awscdk.CfnOutputProps{
		Value: e.WebhooksURL.Url(), Description: jsii.String("POST ticket and alert webhooks to /webhooks/TENANT/SYSTEM under this URL"),
	})
	awscdk.NewCfnOutput(c, jsii.String("ApprovalsUrl"), &awscdk.CfnOutputProps{
		Value: e.ApprovalsURL.Url(), Description: jsii.String("set approvals.baseURL in the tenant file to this URL"),
	})
	return e, nil
}
