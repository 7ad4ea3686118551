package infra

import (
	"encoding/json"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdadestinations"
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

// NewRouting creates the tenant bus with an archive for replay, and the dead-letter queue of
// the rules that RouteEvents adds.
func NewRouting(scope constructs.Construct, id string, t *tenants.Config) *Routing {
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
	// EventBridge needs the queue policy to deliver failed events to the dead-letter queue.
	r.DeadLetterQueue.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("events.amazonaws.com"), nil)},
		Actions:    jsii.Strings("sqs:SendMessage"),
		Resources:  jsii.Strings(*r.DeadLetterQueue.QueueArn()),
	}))
	return r
}

// RouteEvents creates one EventBridge rule per routing rule whose workflow the tenant
// enabled, with the webhooks function as its target: on the account's default bus for
// GuardDuty and Security Hub findings, on the tenant bus for canonical events. The function
// normalises a finding, routes the event and starts each workflow under the name derived
// from the event's id, so an event delivered twice starts one execution. A rule that started
// the state machine itself could not choose that name. Only these rules may invoke the
// function this way.
func (r *Routing) RouteEvents(t *tenants.Config, rs []rules.Rule, wf *Workflows, webhooks awslambda.IFunction) error {
	// EventBridge invokes the function asynchronously. An event the function fails on after
	// Lambda's two retries (a rejected event, a start that failed) goes to the dead-letter
	// queue as well, which the DeadLetters alarm watches.
	webhooks.ConfigureAsyncInvoke(&awslambda.EventInvokeConfigOptions{
		OnFailure:     awslambdadestinations.NewSqsDestination(r.DeadLetterQueue),
		RetryAttempts: jsii.Number(2),
	})
	for _, rule := range rs {
		if !t.WorkflowEnabled(rule.Workflow) {
			continue
		}
		if _, ok := wf.Machines[rule.Workflow]; !ok {
			return fmt.Errorf("routing rule %s targets workflow %s, which has no statemachines/%s.asl.json", rule.Name, rule.Workflow, rule.Workflow)
		}
		var bus *string
		if rule.Bus == rules.BusTenant {
			bus = r.Bus.EventBusName()
		}
		cfn, err := r.addRule(t, rule, bus, r.target("webhooks", webhooks.FunctionArn()))
		if err != nil {
			return err
		}
		webhooks.AddPermission(jsii.String("Invoke"+pascal(rule.Name)), &awslambda.Permission{
			Principal: awsiam.NewServicePrincipal(jsii.String("events.amazonaws.com"), nil),
			Action:    jsii.String("lambda:InvokeFunction"),
			SourceArn: cfn.AttrArn(),
		})
	}
	return nil
}

// target returns a rule target with the routing's retry policy and dead-letter queue.
func (r *Routing) target(id string, arn *string) *awsevents.CfnRule_TargetProperty {
	return &awsevents.CfnRule_TargetProperty{
		Id:               jsii.String(id),
		Arn:              arn,
		DeadLetterConfig: &awsevents.CfnRule_DeadLetterConfigProperty{Arn: r.DeadLetterQueue.QueueArn()},
		RetryPolicy: &awsevents.CfnRule_RetryPolicyProperty{
			MaximumRetryAttempts:     jsii.Number(8),
			MaximumEventAgeInSeconds: jsii.Number(3600),
		},
	}
}

// addRule creates the EventBridge rule of a routing rule on bus (nil: the default bus).
func (r *Routing) addRule(t *tenants.Config, rule rules.Rule, bus *string, target *awsevents.CfnRule_TargetProperty) (awsevents.CfnRule, error) {
	var pattern any
	if err := json.Unmarshal(rule.EventPattern, &pattern); err != nil {
		return nil, fmt.Errorf("routing rule %s: invalid event pattern: %w", rule.Name, err)
	}
	cfn := awsevents.NewCfnRule(r.Construct, jsii.String(pascal(rule.Name)), &awsevents.CfnRuleProps{
		Name:         jsii.String(fmt.Sprintf("secamo-%s-%s", t.Name, rule.Name)),
		Description:  jsii.String(rule.Description),
		EventBusName: bus,
		EventPattern: pattern,
		State:        jsii.String("ENABLED"),
		Targets:      &[]*awsevents.CfnRule_TargetProperty{target},
	})
	r.Rules[rule.Name] = cfn
	return cfn, nil
}
