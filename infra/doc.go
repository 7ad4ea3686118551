// Package infra is the AWS CDK app (Go) that deploys one tenant: `cdk deploy -c tenant=NAME`
// reads tenants/NAME.yaml and creates, in the tenant's account, one Lambda function per step
// from the single bootstrap binary, every statemachines/*.asl.json as a Standard state
// machine, the EventBridge routing from events/rules, the webhook and approval endpoints, the
// evidence bucket, the approvals table and the alarms.
//
// NewTenantStack assembles small constructs, one per concern (steps.go, workflows.go,
// routing.go, endpoints.go, storage.go, alarms.go). Every role grants only what its function
// or state machine calls. Synthesis works offline: the stack's account and region come from
// the tenant file and nothing is looked up.
//
// The package imports the CDK (jsii) and is never imported by runtime code.
package infra
