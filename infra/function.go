package infra

import (
	"fmt"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"gopkg.in/yaml.v3"

	"github.com/secamo/orchestrator/tenants"
)

// Environment variables the bootstrap binary reads at cold start.
const (
	// EnvHandler selects what the function runs: a step name (DisableEntraUser) or an
	// endpoint (webhooks, approvals). lambdas/bootstrap reads it.
	EnvHandler = "STEP"
	// EnvTenant holds the tenant file as YAML, references only, never secret values.
	EnvTenant = "TENANT_CONFIG"
)

// LogRetention is how long the functions' and state machines' logs are kept.
const LogRetention = awslogs.RetentionDays_ONE_YEAR

// Lambda binaries under the asset folder. Go templates keep the linker from dropping unused
// Graph SDK code, so one binary with both the Entra client and the approval templates is about
// 130 MB; make bootstrap builds two smaller ones, each without one of the two.
const (
	// binaryEntra runs the steps that call Microsoft Graph (built with tag noapprovals).
	binaryEntra = "entra"
	// binaryCore runs every other step and both endpoints (built with tag noentra).
	binaryCore = "core"
)

// functionProps configures newFunction.
type functionProps struct {
	Tenant   *tenants.Config
	AssetDir string
	// Binary is binaryEntra or binaryCore.
	Binary  string
	Handler string
	Timeout float64 // seconds
	Env     map[string]string
	// Reserved caps concurrent executions; 0 leaves it unset.
	Reserved float64
	// Network places the function in the tenant's VPC; nil leaves it outside any VPC.
	Network *tenants.Network
}

// newFunction creates one arm64 provided.al2023 function from the shared bootstrap binary,
// with its own role (logs and tracing only; the caller adds what the handler calls), its own
// log group with retention, and active tracing.
func newFunction(scope constructs.Construct, id string, p functionProps) (awslambda.Function, awsiam.Role, error) {
	c := constructs.NewConstruct(scope, jsii.String(id))
	logs := awslogs.NewLogGroup(c, jsii.String("Logs"), &awslogs.LogGroupProps{
		Retention:     LogRetention,
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	role := awsiam.NewRole(c, jsii.String("Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String(fmt.Sprintf("runs %s for tenant %s", p.Handler, p.Tenant.Name)),
	})
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("logs:CreateLogStream", "logs:PutLogEvents"),
		Resources: jsii.Strings(*logs.LogGroupArn(), *logs.LogGroupArn()+":*"),
	}))

	tenantYAML, err := yaml.Marshal(p.Tenant)
	if err != nil {
		return nil, nil, fmt.Errorf("encoding tenant %s for %s: %w", p.Tenant.Name, p.Handler, err)
	}
	// NOTE: Lambda caps all environment variables of a function at 4 KB together; a tenant
	// file larger than about 3.5 KB needs another carrier (SSM Parameter Store).
	if len(tenantYAML) > 3500 {
		return nil, nil, fmt.Errorf("tenant %s: the tenant file is %d bytes encoded, over the 3,500 that fit in a Lambda environment", p.Tenant.Name, len(tenantYAML))
	}
	env := map[string]*string{
		EnvHandler: jsii.String(p.Handler),
		EnvTenant:  jsii.String(string(tenantYAML)),
	}
	for k, v := range p.Env {
		env[k] = jsii.String(v)
	}

	props := &awslambda.FunctionProps{
		FunctionName: jsii.String(fmt.Sprintf("secamo-%s-%s", p.Tenant.Name, p.Handler)),
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: awslambda.Architecture_ARM_64(),
		Handler:      jsii.String("bootstrap"),
		Code:         awslambda.Code_FromAsset(jsii.String(filepath.Join(p.AssetDir, p.Binary)), nil),
		MemorySize:   jsii.Number(256),
		Timeout:      awscdk.Duration_Seconds(jsii.Number(p.Timeout)),
		Role:         role,
		LogGroup:     logs,
		Tracing:      awslambda.Tracing_ACTIVE,
		Environment:  &env,
	}
	if p.Reserved > 0 {
		props.ReservedConcurrentExecutions = jsii.Number(p.Reserved)
	}
	fn := awslambda.NewFunction(c, jsii.String("Function"), props)
	reason := "X-Ray's PutTraceSegments and PutTelemetryRecords support no resource-level permissions, and log streams are created under the function's own log group"
	if p.Network != nil {
		placeInVPC(fn, role, p.Tenant, p.Network)
		reason += "; Lambda describes, creates and deletes the network interfaces of the function's VPC connection, which EC2 does not scope by resource before they exist"
	}
	suppress(role, "AwsSolutions-IAM5", reason, "Resource::*", regex(`/^Resource::<.*Logs[0-9A-F]{8}\.Arn>:\*$/`))
	return fn, role, nil
}

// placeInVPC connects fn to the subnets and security groups of n. Lambda creates the network
// interfaces for that with the function's role.
func placeInVPC(fn awslambda.Function, role awsiam.Role, t *tenants.Config, n *tenants.Network) {
	cfn := fn.Node().DefaultChild().(awslambda.CfnFunction)
	cfn.AddPropertyOverride(jsii.String("VpcConfig"), map[string]any{
		"SubnetIds":        n.SubnetIDs,
		"SecurityGroupIds": n.SecurityGroupIDs,
	})
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions: jsii.Strings("ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
			"ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]any{"StringEquals": map[string]any{"aws:RequestedRegion": region(t)}},
	}))
}
