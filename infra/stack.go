package infra

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/secamo/orchestrator/events/rules"
	"github.com/secamo/orchestrator/tenants"
)

// TenantStackProps configures NewTenantStack.
type TenantStackProps struct {
	awscdk.StackProps
	// Tenant is the validated tenant file.
	Tenant *tenants.Config
	// Workflows are the state machines to deploy, parsed from statemachines/*.asl.json.
	Workflows []Workflow
	// Rules are the routing rules (events/rules).
	Rules []rules.Rule
	// AssetDir is the folder holding the Lambda `bootstrap` binary (bin/lambda).
	AssetDir string
}

// TenantStack is the deployed tenant with handles on the resources tests inspect.
type TenantStack struct {
	awscdk.Stack
	Tenant    *tenants.Config
	Storage   *Storage
	Steps     *Steps
	Workflows *Workflows
	Routing   *Routing
	Endpoints *Endpoints
	Alarms    *Alarms
}

// NewTenantStack creates the stack of one tenant.
func NewTenantStack(scope constructs.Construct, id string, props *TenantStackProps) (*TenantStack, error) {
	if props == nil || props.Tenant == nil {
		return nil, fmt.Errorf("creating tenant stack %q: missing tenant configuration", id)
	}
	sp := props.StackProps
	t := props.Tenant
	if sp.Env == nil && t.AWS.AccountID != "" && t.AWS.Region != "" {
		sp.Env = &awscdk.Environment{Account: jsii.String(t.AWS.AccountID), Region: jsii.String(t.AWS.Region)}
	}
	if sp.Description == nil {
		sp.Description = jsii.String(fmt.Sprintf("Secamo process orchestrator for tenant %s", t.Name))
	}
	stack := awscdk.NewStack(scope, jsii.String(id), &sp)
	awscdk.Tags_Of(stack).Add(jsii.String("secamo:tenant"), jsii.String(t.Name), nil)

	ts := &TenantStack{Stack: stack, Tenant: t}
	ts.Storage = NewStorage(stack, "Storage", t)
	steps, err := NewSteps(stack, "Steps", &StepsProps{
		Tenant: t, Workflows: props.Workflows, AssetDir: props.AssetDir, Storage: ts.Storage,
	})
	if err != nil {
		return nil, err
	}
	ts.Steps = steps
	ts.Workflows, err = NewWorkflows(stack, "Workflows", t, props.Workflows, steps)
	if err != nil {
		return nil, err
	}
	ts.Routing = NewRouting(stack, "Routing", t)
	ts.Endpoints, err = NewEndpoints(stack, "Endpoints", &EndpointsProps{
		Tenant: t, AssetDir: props.AssetDir, Storage: ts.Storage, Workflows: ts.Workflows,
	})
	if err != nil {
		return nil, err
	}
	if err := ts.Routing.RouteEvents(t, props.Rules, ts.Workflows, ts.Endpoints.Webhooks); err != nil {
		return nil, err
	}
	ts.Alarms = NewAlarms(stack, "Alarms", t, ts)
	return ts, nil
}
