package infra

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/secamo/orchestrator/approvals"
	"github.com/secamo/orchestrator/tenants"
)

// Custom metric the approvals function publishes: how long approvals stay pending past
// their expiry.
const (
	MetricNamespace           = approvals.MetricNamespace
	MetricOverduePending      = approvals.MetricOverduePending
	metricDimensionTenantName = approvals.MetricDimensionTenant
)

// Alarms holds the tenant's alarm topic and alarms.
type Alarms struct {
	constructs.Construct
	Topic  awssns.Topic
	Alarms []awscloudwatch.Alarm
}

// NewAlarms alarms on failed and timed-out executions of every workflow, on any message in the
// dead-letter queue, and on an approval still pending after all its escalation levels' time,
// notifying the SNS topic the tenant file names.
func NewAlarms(scope constructs.Construct, id string, t *tenants.Config, ts *TenantStack) *Alarms {
	c := constructs.NewConstruct(scope, jsii.String(id))
	a := &Alarms{Construct: c}
	topicName := t.AWS.AlarmTopic
	if topicName == "" {
		topicName = "secamo-" + t.Name + "-alarms"
	}
	a.Topic = awssns.NewTopic(c, jsii.String("Topic"), &awssns.TopicProps{
		TopicName:  jsii.String(topicName),
		MasterKey:  awskms.Alias_FromAliasName(c, jsii.String("SnsKey"), jsii.String("alias/aws/sns")),
		EnforceSSL: jsii.Bool(true),
	})
	action := awscloudwatchactions.NewSnsAction(a.Topic)
	add := func(name string, metric awscloudwatch.IMetric, threshold float64, desc string) awscloudwatch.Alarm {
		alarm := awscloudwatch.NewAlarm(c, jsii.String(name), &awscloudwatch.AlarmProps{
			Metric:             metric,
			Threshold:          jsii.Number(threshold),
			EvaluationPeriods:  jsii.Number(1),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
			AlarmDescription:   jsii.String(desc),
		})
		alarm.AddAlarmAction(action)
		a.Alarms = append(a.Alarms, alarm)
		return alarm
	}

	names := ts.Workflows.Names()
	fiveMinutes := &awscloudwatch.MetricOptions{Period: awscdk.Duration_Minutes(jsii.Number(5)), Statistic: jsii.String("Sum")}
	for _, n := range names {
		sm := ts.Workflows.Machines[n]
		add(pascal(n)+"Failed", sm.MetricFailed(fiveMinutes), 1, fmt.Sprintf("an execution of %s failed", n))
		add(pascal(n)+"TimedOut", sm.MetricTimedOut(fiveMinutes), 1, fmt.Sprintf("an execution of %s timed out", n))
	}
	add("DeadLetters", ts.Routing.DeadLetterQueue.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{
		Period: awscdk.Duration_Minutes(jsii.Number(5)), Statistic: jsii.String("Maximum"),
	}), 1, "an event could not reach the webhooks function, or the function failed on it after its retries, and waits in the dead-letter queue")

	if len(t.Approvals.Levels) > 0 {
		overdue := awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
			Namespace:     jsii.String(MetricNamespace),
			MetricName:    jsii.String(MetricOverduePending),
			DimensionsMap: &map[string]*string{metricDimensionTenantName: jsii.String(t.Name)},
			Period:        awscdk.Duration_Minutes(jsii.Number(15)),
			Statistic:     jsii.String("Maximum"),
		})
		// The approvals function publishes the metric before each sweep, every five minutes,
		// and the sweep expires overdue approvals. So the metric stays under five minutes,
		// and it stops when no sweep runs or every sweep fails: missing data alarms too.
		alarm := add("ApprovalSweep", overdue, 900, "approvals stay pending past their expiry, or no sweep of the approvals has reported for 15 minutes")
		alarm.Node().DefaultChild().(awscloudwatch.CfnAlarm).AddPropertyOverride(jsii.String("TreatMissingData"), "breaching")
	}
	return a
}
