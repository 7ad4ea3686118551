package infra

import (
	"encoding/json"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/secamo/orchestrator/events/rules"
	"github.com/secamo/orchestrator/tenants"
)

// Routing holds the tenant's event bus, its archive, the rules and their dead-letter queue.
type Routing struct {
	constructs.Construct
	Bus             awsevents.EventBus
	DeadLetterQueue awssqs.Queue
	Rules           map[string]awsevents.CfnRule
}

// NewRouting creates the tenant bus with an archive for replay and one EventBridge rule per
// routing rule whose workflow the tenant enabled: on the default bus for GuardDuty and Security
// Hub, on the tenant bus for canonical events. Each rule targets its state machine with a
// retry policy and a dead-letter queue.
func NewRouting(scope constructs.Construct, id string, t *tenants.Config, rs []rules.Rule, wf *Workflows) (*Routing, error) {
	c := constructs.NewConstruct(scope, jsii.String(id))
	r := &Routing{Construct: c, Rules: map[string]awsevents.CfnRule{}}
	r.Bus = awsevents.NewEventBus(c, jsii.String("Bus"), &awsevents.EventBusProps{
		EventBusName: jsii.String("secamo-" + t.Name),
	})
	r.Bus.Archive(jsii.String("Archive"), &awsevents.BaseArchiveProps{
		ArchiveName:  jsii.String("secamo-" + t.Name),
		Description:  jsii.String("every event on the tenant bus, for replay"),
		EventPattern: &awsevents.EventPattern{Account: jsii.Strings(account(t))},
		Retention:    awscdk.Duration_Days(jsii.Number(90)),
	})
	r.DeadLetterQueue = awssqs.NewQueue(c, jsii.String("DeadLetters"), &awssqs.QueueProps{
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(14)),
	})
	suppress(r.DeadLetterQueue, "AwsSolutions-SQS3", "this queue is the dead-letter queue of the routing rules")

	role := awsiam.NewRole(c, jsii.String("TargetRole"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("events.amazonaws.com"), nil),
		Description: jsii.String("lets the routing rules of tenant " + t.Name + " start its workflows"),
	})
	for _, rule := range rs {
		if !t.WorkflowEnabled(rule.Workflow) {
			continue
		}
		sm, ok := wf.Machines[rule.Workflow]
		if !ok {
			return nil, fmt.Errorf("routing rule %s targets workflow %s, which has no statemachines/%s.asl.json", rule.Name, rule.Workflow, rule.Workflow)
		}
		var pattern any
		if err := json.Unmarshal(rule.EventPattern, &pattern); err != nil {
			return nil, fmt.Errorf("routing rule %s: invalid event pattern: %w", rule.Name, err)
		}
		sm.GrantStartExecution(role)
		target := &awsevents.CfnRule_TargetProperty{
			Id:               jsii.String(rule.Workflow),
			Arn:              sm.StateMachineArn(),
			RoleArn:          role.RoleArn(),
			DeadLetterConfig: &awsevents.CfnRule_DeadLetterConfigProperty{Arn: r.DeadLetterQueue.QueueArn()},
			RetryPolicy: &awsevents.CfnRule_RetryPolicyProperty{
				MaximumRetryAttempts:     jsii.Number(8),
				MaximumEventAgeInSeconds: jsii.Number(3600),
			},
		}
		props := &awsevents.CfnRuleProps{
			Name:         jsii.String(fmt.Sprintf("secamo-%s-%s", t.Name, rule.Name)),
			Description:  jsii.String(rule.Description),
			EventPattern: pattern,
			State:        jsii.String("ENABLED"),
			Targets:      &[]*awsevents.CfnRule_TargetProperty{target},
		}
		// NOTE: EventBridge starts executions under generated names, so in AWS a redelivered
		// event is deduplicated only where the ingestion function starts the execution itself
		// (webhooks); findings routed here straight from the default bus are not.
		if rule.Bus == rules.BusTenant {
			props.EventBusName = r.Bus.EventBusName()
			// Workflows take the canonical event's detail as input, as the local runtime
			// passes it.
			target.InputPath = jsii.String("$.detail")
		}
		// TODO: a default-bus rule passes the raw GuardDuty or Security Hub event, but
		// alert-triage expects the canonical alert; these rules should target the ingestion
		// function, which normalises the finding and starts the workflow under its name.
		r.Rules[rule.Name] = awsevents.NewCfnRule(c, jsii.String(pascal(rule.Name)), props)
	}
	// EventBridge needs the queue policy to deliver failed events to the dead-letter queue.
	r.DeadLetterQueue.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("events.amazonaws.com"), nil)},
		Actions:    jsii.Strings("sqs:SendMessage"),
		Resources:  jsii.Strings(*r.DeadLetterQueue.QueueArn()),
	}))
	return r, nil
}
