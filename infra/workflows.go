package infra

import (
	"fmt"
	"sort"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/secamo/orchestrator/tenants"
)

// Workflows holds one Standard state machine per ASL file.
type Workflows struct {
	constructs.Construct
	Machines map[string]awsstepfunctions.StateMachine
	Roles    map[string]awsiam.Role
}

// NewWorkflows creates the state machines, children before parents, with their placeholders
// filled through DefinitionSubstitutions, logging without execution data (it holds personal
// data), tracing, and a role that may invoke only its own steps and child workflows.
func NewWorkflows(scope constructs.Construct, id string, t *tenants.Config, ws []Workflow, steps *Steps) (*Workflows, error) {
	c := constructs.NewConstruct(scope, jsii.String(id))
	out := &Workflows{Construct: c, Machines: map[string]awsstepfunctions.StateMachine{}, Roles: map[string]awsiam.Role{}}
	for _, w := range ws {
		sm, role, err := newWorkflow(c, t, w, steps, out.Machines)
		if err != nil {
			return nil, err
		}
		out.Machines[w.Name] = sm
		out.Roles[w.Name] = role
	}
	return out, nil
}

// Names returns the workflow names, sorted, so that anything built from them is in a stable
// order and the synthesized template does not change between runs.
func (w *Workflows) Names() []string {
	names := make([]string, 0, len(w.Machines))
	for n := range w.Machines {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func newWorkflow(scope constructs.Construct, t *tenants.Config, w Workflow, steps *Steps, done map[string]awsstepfunctions.StateMachine) (awsstepfunctions.StateMachine, awsiam.Role, error) {
	c := constructs.NewConstruct(scope, jsii.String(pascal(w.Name)))
	role := awsiam.NewRole(c, jsii.String("Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("states.amazonaws.com"), nil),
		Description: jsii.String(fmt.Sprintf("runs workflow %s for tenant %s", w.Name, t.Name)),
	})
	subst := map[string]*string{}
	for _, step := range w.Steps {
		fn, ok := steps.Functions[step]
		if !ok {
			return nil, nil, fmt.Errorf("workflow %s: no function for step %s", w.Name, step)
		}
		fn.GrantInvoke(role)
		subst[step] = fn.FunctionArn()
	}
	for _, child := range w.Children {
		sm, ok := done[child]
		if !ok {
			return nil, nil, fmt.Errorf("workflow %s: child workflow %s is not created yet", w.Name, child)
		}
		grantStartSync(role, t, sm, child)
		subst[pascal(child)+stateMachineSuffix] = sm.StateMachineArn()
	}

	logs := awslogs.NewLogGroup(c, jsii.String("Logs"), &awslogs.LogGroupProps{
		LogGroupName:  jsii.String(fmt.Sprintf("/aws/vendedlogs/states/secamo-%s-%s", t.Name, w.Name)),
		Retention:     LogRetention,
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	sm := awsstepfunctions.NewStateMachine(c, jsii.String("StateMachine"), &awsstepfunctions.StateMachineProps{
		StateMachineName:        jsii.String(fmt.Sprintf("secamo-%s-%s", t.Name, w.Name)),
		StateMachineType:        awsstepfunctions.StateMachineType_STANDARD,
		DefinitionBody:          awsstepfunctions.DefinitionBody_FromString(jsii.String(w.Definition)),
		DefinitionSubstitutions: &subst,
		Role:                    role,
		TracingEnabled:          jsii.Bool(true),
		Logs: &awsstepfunctions.LogOptions{
			Destination:          logs,
			Level:                awsstepfunctions.LogLevel_ALL,
			IncludeExecutionData: jsii.Bool(false),
		},
	})
	suppress(role, "AwsSolutions-IAM5",
		"Step Functions log delivery and X-Ray accept no resource-level permissions; lambda:InvokeFunction on ARN:* covers the versions of this workflow's own step functions; child executions have generated names",
		"Resource::*", regex(`/^Resource::<.*\.Arn>:\*$/`), regex(`/^Resource::arn:.*:execution:.*:\*$/`),
		regex(`/^Resource::arn:.*:states:.*:execution:.*$/`))
	return sm, role, nil
}

// grantStartSync lets role run child as a nested .sync:2 execution: start it, watch and stop
// its executions, and manage the EventBridge rule Step Functions uses to learn of their end.
func grantStartSync(role awsiam.Role, t *tenants.Config, child awsstepfunctions.StateMachine, childName string) {
	child.GrantStartExecution(role)
	partition := *awscdk.Aws_PARTITION()
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions: jsii.Strings("states:DescribeExecution", "states:StopExecution"),
		Resources: jsii.Strings(fmt.Sprintf("arn:%s:states:%s:%s:execution:secamo-%s-%s:*",
			partition, region(t), account(t), t.Name, childName)),
	}))
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions: jsii.Strings("events:PutTargets", "events:PutRule", "events:DescribeRule"),
		Resources: jsii.Strings(fmt.Sprintf("arn:%s:events:%s:%s:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule",
			partition, region(t), account(t))),
	}))
}
