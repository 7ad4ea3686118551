package infra

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/secamo/orchestrator/events/rules"
	"github.com/secamo/orchestrator/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite testdata/example.template.json from the synthesized stack")

const repoRoot = ".."

func TestMain(m *testing.M) {
	// CDK's jsii runtime wants Node.js 22; make tools installs it under tools/npm.
	bin, err := filepath.Abs(filepath.Join(repoRoot, "tools/npm/node_modules/.bin"))
	if err == nil {
		if _, err := os.Stat(filepath.Join(bin, "node")); err == nil {
			os.Setenv("JSII_NODE", filepath.Join(bin, "node"))
			os.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
		}
	}
	os.Setenv("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}

type synthesized struct {
	stack    *TenantStack
	template assertions.Template
	json     map[string]any
}

var (
	exampleOnce sync.Once
	example     synthesized
	exampleErr  error
)

// synthExample builds the example tenant's stack once, with the cdk-nag AwsSolutions checks
// applied, from a stand-in bootstrap file so the asset hash is stable.
func synthExample(t *testing.T) synthesized {
	t.Helper()
	if _, err := os.Stat(filepath.Join(repoRoot, "tools/npm/node_modules/.bin/node")); err != nil {
		testenv.SkipOrFail(t, "Node.js 22 for CDK is not installed: run make tools")
	}
	exampleOnce.Do(func() {
		assets := filepath.Join(os.TempDir(), "secamo-infra-test-assets")
		for _, binary := range []string{binaryEntra, binaryCore} {
			if exampleErr = os.MkdirAll(filepath.Join(assets, binary), 0o755); exampleErr != nil {
				return
			}
			stub := []byte("stand-in " + binary + " bootstrap for template tests\n")
			if exampleErr = os.WriteFile(filepath.Join(assets, binary, "bootstrap"), stub, 0o755); exampleErr != nil {
				return
			}
		}
		app := awscdk.NewApp(&awscdk.AppProps{
			Context: &map[string]any{"aws:cdk:version-reporting": false},
		})
		awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
		example.stack, exampleErr = Build(app, BuildOptions{Root: repoRoot, Tenant: "example", AssetDir: assets})
		if exampleErr != nil {
			return
		}
		example.template = assertions.Template_FromStack(example.stack.Stack, nil)
		example.json = *example.template.ToJSON()
	})
	if exampleErr != nil {
		t.Fatal(exampleErr)
	}
	return example
}

func resourcesOfType(tpl map[string]any, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range tpl["Resources"].(map[string]any) {
		res := r.(map[string]any)
		if res["Type"] == typ {
			out[id] = res
		}
	}
	return out
}

func props(r map[string]any) map[string]any {
	p, _ := r["Properties"].(map[string]any)
	return p
}

func TestStackHasOneFunctionPerStep(t *testing.T) {
	s := synthExample(t)
	ws, err := LoadWorkflows(filepath.Join(repoRoot, "statemachines"))
	if err != nil {
		t.Fatal(err)
	}
	steps := map[string]bool{}
	for _, w := range ws {
		for _, st := range w.Steps {
			steps[st] = true
		}
	}
	fns := resourcesOfType(s.json, "AWS::Lambda::Function")
	if got, want := len(fns), len(steps)+2; got != want {
		t.Errorf("%d Lambda functions, want %d (one per step and two endpoints)", got, want)
	}
	for id, fn := range fns {
		p := props(fn)
		if p["Runtime"] != "provided.al2023" {
			t.Errorf("%s: Runtime = %v, want provided.al2023", id, p["Runtime"])
		}
		if a, _ := p["Architectures"].([]any); len(a) != 1 || a[0] != "arm64" {
			t.Errorf("%s: Architectures = %v, want [arm64]", id, p["Architectures"])
		}
		if tc, _ := p["TracingConfig"].(map[string]any); tc["Mode"] != "Active" {
			t.Errorf("%s: TracingConfig = %v, want Mode Active", id, p["TracingConfig"])
		}
		env := p["Environment"].(map[string]any)["Variables"].(map[string]any)
		if env[EnvHandler] == nil || env[EnvTenant] == nil {
			t.Errorf("%s: environment lacks %s or %s: %v", id, EnvHandler, EnvTenant, env)
		}
	}
}

func TestStateMachinesLogWithoutExecutionData(t *testing.T) {
	s := synthExample(t)
	sms := resourcesOfType(s.json, "AWS::StepFunctions::StateMachine")
	if len(sms) < 2 {
		t.Fatalf("%d state machines, want one per statemachines/*.asl.json (at least 2)", len(sms))
	}
	for id, sm := range sms {
		p := props(sm)
		if p["StateMachineType"] != "STANDARD" {
			t.Errorf("%s: StateMachineType = %v, want STANDARD", id, p["StateMachineType"])
		}
		lc := p["LoggingConfiguration"].(map[string]any)
		if lc["IncludeExecutionData"] != false || lc["Level"] != "ALL" {
			t.Errorf("%s: LoggingConfiguration = %v, want Level ALL without execution data", id, lc)
		}
		if tc, _ := p["TracingConfiguration"].(map[string]any); tc["Enabled"] != true {
			t.Errorf("%s: tracing not enabled", id)
		}
		subst, _ := p["DefinitionSubstitutions"].(map[string]any)
		if len(subst) == 0 {
			t.Errorf("%s: no DefinitionSubstitutions", id)
		}
	}
}

// statements returns every IAM policy statement attached to the role whose logical id starts
// with prefix.
func statements(tpl map[string]any, rolePrefix string) []map[string]any {
	var out []map[string]any
	for _, pol := range resourcesOfType(tpl, "AWS::IAM::Policy") {
		p := props(pol)
		attached := false
		for _, r := range p["Roles"].([]any) {
			ref, _ := r.(map[string]any)["Ref"].(string)
			if strings.HasPrefix(ref, rolePrefix) {
				attached = true
			}
		}
		if !attached {
			continue
		}
		for _, st := range p["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			out = append(out, st.(map[string]any))
		}
	}
	return out
}

func strs(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			} else {
				b, _ := json.Marshal(e)
				out = append(out, string(b))
			}
		}
		return out
	default:
		b, _ := json.Marshal(x)
		return []string{string(b)}
	}
}

func TestNoWildcardActionOnWildcardResource(t *testing.T) {
	checkNoWildcard(t, synthExample(t).json)
}

// checkNoWildcard fails on a wildcard action, and on an action on every resource unless the
// action accepts no resource-level permissions.
func checkNoWildcard(t *testing.T, tpl map[string]any) {
	t.Helper()
	for id, pol := range resourcesOfType(tpl, "AWS::IAM::Policy") {
		for _, st := range props(pol)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			m := st.(map[string]any)
			actions, resources := strs(m["Action"]), strs(m["Resource"])
			for _, a := range actions {
				if a == "*" || strings.HasSuffix(a, ":*") {
					t.Errorf("%s: wildcard action %s", id, a)
				}
			}
			for _, r := range resources {
				if r != "*" {
					continue
				}
				for _, a := range actions {
					// X-Ray, log delivery and EC2's Describe actions accept no resource-level
					// permissions; the EC2 ones are limited to the tenant's region by a condition.
					// So are the network-interface actions of a function in the tenant's VPC,
					// which act on interfaces that do not exist yet.
					regional := m["Condition"] != nil && strings.Contains(fmt.Sprint(m["Condition"]), "aws:RequestedRegion")
					if !strings.HasPrefix(a, "xray:") && !strings.HasPrefix(a, "logs:") &&
						!(regional && strings.HasPrefix(a, "ec2:") && (strings.HasPrefix(a, "ec2:Describe") || strings.Contains(a, "NetworkInterface") || strings.Contains(a, "PrivateIpAddresses"))) {
						t.Errorf("%s: action %s on resource *", id, a)
					}
				}
			}
		}
	}
}

func TestContainmentAndIdentityPolicies(t *testing.T) {
	s := synthExample(t)
	keys := statements(s.json, "StepsDeactivateAccessKeysRole")
	var iamActions []string
	for _, st := range keys {
		for _, a := range strs(st["Action"]) {
			if strings.HasPrefix(a, "iam:") {
				iamActions = append(iamActions, a)
				for _, r := range strs(st["Resource"]) {
					if !strings.Contains(r, ":user/jan.peeters") {
						t.Errorf("DeactivateAccessKeys: %s on %s, want only the mapped IAM user", a, r)
					}
				}
			}
		}
	}
	sort.Strings(iamActions)
	if got := strings.Join(iamActions, ","); got != "iam:ListAccessKeys,iam:UpdateAccessKey" {
		t.Errorf("DeactivateAccessKeys IAM actions = %s, want iam:ListAccessKeys,iam:UpdateAccessKey", got)
	}

	disable := statements(s.json, "StepsDisableEntraUserRole")
	var secretsRead []string
	for _, st := range disable {
		for _, a := range strs(st["Action"]) {
			switch {
			case a == "secretsmanager:GetSecretValue":
				secretsRead = append(secretsRead, strs(st["Resource"])...)
			case strings.HasPrefix(a, "xray:") || strings.HasPrefix(a, "logs:"):
			default:
				t.Errorf("DisableEntraUser may %s, want only its Graph secret, logs and tracing", a)
			}
		}
	}
	if len(secretsRead) != 1 || !strings.Contains(secretsRead[0], "example/graph-client-secret-??????") {
		t.Errorf("DisableEntraUser reads secrets %v, want only example/graph-client-secret", secretsRead)
	}
}

func TestRulesMatchRoutingFiles(t *testing.T) {
	s := synthExample(t)
	cfn := resourcesOfType(s.json, "AWS::Events::Rule")
	byName := map[string]map[string]any{}
	for _, r := range cfn {
		p := props(r)
		if name, ok := p["Name"].(string); ok {
			byName[name] = p
		}
	}
	enabled := 0
	for _, rule := range rules.All() {
		if !s.stack.Tenant.WorkflowEnabled(rule.Workflow) {
			if _, ok := byName["secamo-example-"+rule.Name]; ok {
				t.Errorf("rule %s is in the stack, but the tenant did not enable workflow %s", rule.Name, rule.Workflow)
			}
			continue
		}
		enabled++
		p, ok := byName["secamo-example-"+rule.Name]
		if !ok {
			t.Errorf("rule %s not in the stack", rule.Name)
			continue
		}
		var want any
		if err := json.Unmarshal(rule.EventPattern, &want); err != nil {
			t.Fatal(err)
		}
		gotJSON, _ := json.Marshal(p["EventPattern"])
		wantJSON, _ := json.Marshal(want)
		if !bytes.Equal(gotJSON, wantJSON) {
			t.Errorf("rule %s pattern = %s, want %s", rule.Name, gotJSON, wantJSON)
		}
		target := p["Targets"].([]any)[0].(map[string]any)
		if target["DeadLetterConfig"] == nil || target["RetryPolicy"] == nil {
			t.Errorf("rule %s target lacks a dead-letter queue or retry policy: %v", rule.Name, target)
		}
		_, onTenantBus := p["EventBusName"]
		if onTenantBus != (rule.Bus == rules.BusTenant) {
			t.Errorf("rule %s: on tenant bus = %v, want bus %s", rule.Name, onTenantBus, rule.Bus)
		}
		checkRuleTarget(t, s, rule.Name, target)
	}
	if enabled == 0 {
		t.Error("the example tenant enables no routed workflow, so no rule was checked")
	}
}

// checkRuleTarget checks that a rule delivers whole events to the webhooks function, which
// normalises findings and names the executions after the events, and that only this rule
// may invoke the function.
func checkRuleTarget(t *testing.T, s synthesized, name string, target map[string]any) {
	t.Helper()
	arn, _ := json.Marshal(target["Arn"])
	if !strings.Contains(string(arn), "Webhooks") || target["InputPath"] != nil {
		t.Errorf("rule %s targets %s with InputPath %v, want the webhooks function with the whole event", name, arn, target["InputPath"])
	}
	permitted := false
	for _, perm := range resourcesOfType(s.json, "AWS::Lambda::Permission") {
		p := props(perm)
		source, _ := json.Marshal(p["SourceArn"])
		if p["Principal"] == "events.amazonaws.com" && strings.Contains(string(source), pascal(name)) {
			permitted = true
		}
	}
	if !permitted {
		t.Errorf("rule %s: no Lambda permission lets it invoke the webhooks function", name)
	}
}

func TestStorageEncryptedAndRetained(t *testing.T) {
	s := synthExample(t)
	for id, b := range resourcesOfType(s.json, "AWS::S3::Bucket") {
		p := props(b)
		if p["BucketEncryption"] == nil {
			t.Errorf("bucket %s is not encrypted", id)
		}
		if v, _ := p["VersioningConfiguration"].(map[string]any); v["Status"] != "Enabled" {
			t.Errorf("bucket %s is not versioned", id)
		}
		pab, _ := p["PublicAccessBlockConfiguration"].(map[string]any)
		for _, k := range []string{"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"} {
			if pab[k] != true {
				t.Errorf("bucket %s: %s not set", id, k)
			}
		}
		if p["LifecycleConfiguration"] == nil {
			t.Errorf("bucket %s has no lifecycle", id)
		}
	}
	s.template.HasResourceProperties(jsii.String("AWS::DynamoDB::GlobalTable"), map[string]any{
		"TimeToLiveSpecification": map[string]any{"AttributeName": ApprovalsTTLAttribute, "Enabled": true},
		"Replicas": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
			"PointInTimeRecoverySpecification": map[string]any{"PointInTimeRecoveryEnabled": true},
		})}),
	})
	for id, lg := range resourcesOfType(s.json, "AWS::Logs::LogGroup") {
		if props(lg)["RetentionInDays"] != float64(365) {
			t.Errorf("log group %s: RetentionInDays = %v, want 365", id, props(lg)["RetentionInDays"])
		}
	}
}

func TestAlarmsNotifyTenantTopic(t *testing.T) {
	s := synthExample(t)
	s.template.HasResourceProperties(jsii.String("AWS::SNS::Topic"), map[string]any{
		"TopicName": "example-orchestrator-alarms",
	})
	alarms := resourcesOfType(s.json, "AWS::CloudWatch::Alarm")
	var metrics []string
	for _, a := range alarms {
		p := props(a)
		if len(strs(p["AlarmActions"])) == 0 {
			t.Errorf("alarm %v has no action", p["AlarmDescription"])
		}
		metrics = append(metrics, p["MetricName"].(string))
	}
	for _, want := range []string{"ExecutionsFailed", "ExecutionsTimedOut", "ApproximateNumberOfMessagesVisible", MetricOverduePending} {
		found := false
		for _, m := range metrics {
			found = found || m == want
		}
		if !found {
			t.Errorf("no alarm on %s (alarms on %v)", want, metrics)
		}
	}
}

func TestNagAwsSolutionsClean(t *testing.T) {
	s := synthExample(t)
	anns := assertions.Annotations_FromStack(s.stack.Stack)
	errs := anns.FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*")))
	for _, e := range *errs {
		t.Errorf("cdk-nag: %s: %v", *e.Id, e.Entry.Data)
	}
}

func TestGoldenTemplate(t *testing.T) {
	s := synthExample(t)
	got, err := json.MarshalIndent(s.json, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "example.template.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v: run go test ./infra -run TestGoldenTemplate -update to create it", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the synthesized template differs from %s: review the change, then run go test ./infra -run TestGoldenTemplate -update", golden)
	}
}

func TestFunctionsGetTheirVariablesAndBinary(t *testing.T) {
	s := synthExample(t)
	want := map[string][]string{
		HandlerWebhooks:   {"STATE_MACHINES", "EVIDENCE_BUCKET"},
		HandlerApprovals:  {"APPROVALS_TABLE"},
		"RequestApproval": {"APPROVALS_TABLE"},
		"RecordEvidence":  {"EVIDENCE_BUCKET"},
	}
	keys := map[string]string{} // handler -> asset S3 key
	for id, fn := range resourcesOfType(s.json, "AWS::Lambda::Function") {
		p := props(fn)
		env := p["Environment"].(map[string]any)["Variables"].(map[string]any)
		handler, _ := env[EnvHandler].(string)
		for _, v := range want[handler] {
			if env[v] == nil {
				t.Errorf("%s (%s): no %s", id, handler, v)
			}
		}
		key, _ := json.Marshal(p["Code"].(map[string]any)["S3Key"])
		keys[handler] = string(key)
	}
	if keys["DisableEntraUser"] == keys["CommentOnTicket"] {
		t.Errorf("DisableEntraUser and CommentOnTicket use the same binary %s, want the Entra one and the core one", keys["CommentOnTicket"])
	}
	if keys["CommentOnTicket"] != keys[HandlerWebhooks] {
		t.Errorf("CommentOnTicket and the webhook function use different binaries, want both on the core one")
	}
}

func TestApprovalSweepScheduled(t *testing.T) {
	s := synthExample(t)
	found := false
	for _, r := range resourcesOfType(s.json, "AWS::Events::Rule") {
		p := props(r)
		if p["ScheduleExpression"] != "rate(5 minutes)" {
			continue
		}
		found = true
		arn, _ := json.Marshal(p["Targets"].([]any)[0].(map[string]any)["Arn"])
		if !strings.Contains(string(arn), "Approvals") {
			t.Errorf("the sweep schedule targets %s, want the approvals function", arn)
		}
	}
	if !found {
		t.Fatal("no rule runs the approval sweep every five minutes")
	}
}

// TestFailedEventsReachDeadLetters checks that an event the webhooks function fails on after
// Lambda's retries goes to the routing dead-letter queue, which the DeadLetters alarm watches.
func TestFailedEventsReachDeadLetters(t *testing.T) {
	s := synthExample(t)
	configs := resourcesOfType(s.json, "AWS::Lambda::EventInvokeConfig")
	if len(configs) != 1 {
		t.Fatalf("%d async invoke configurations, want one for the webhooks function", len(configs))
	}
	for _, c := range configs {
		p := props(c)
		fn, _ := json.Marshal(p["FunctionName"])
		dest, _ := json.Marshal(p["DestinationConfig"])
		if !strings.Contains(string(fn), "Webhooks") || !strings.Contains(string(dest), "DeadLetters") {
			t.Errorf("async invoke configuration of %s sends failures to %s, want the webhooks function's to the dead-letter queue", fn, dest)
		}
	}
}

// TestVPCTenantPolicies builds the example tenant with an identity.activeDirectory.network
// block and checks its policies like the example's.
func TestVPCTenantPolicies(t *testing.T) {
	synthExample(t) // skips or fails the same way when Node.js is missing

	root := t.TempDir()
	if err := os.Symlink(filepath.Join(mustAbs(t, repoRoot), "statemachines"), filepath.Join(root, "statemachines")); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(repoRoot, "tenants", "example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(data), "name: example", "name: vpcexample", 1)
	text = strings.Replace(text, "    disabledOU: OU=Disabled Users,DC=example,DC=local\n",
		"    disabledOU: OU=Disabled Users,DC=example,DC=local\n    network:\n      subnetIDs: [subnet-0a1b2c3d]\n      securityGroupIDs: [sg-0a1b2c3d]\n", 1)
	if err := os.MkdirAll(filepath.Join(root, "tenants"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "tenants", "vpcexample.yaml"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}

	assets := filepath.Join(os.TempDir(), "secamo-infra-test-assets")
	app := awscdk.NewApp(&awscdk.AppProps{Context: &map[string]any{"aws:cdk:version-reporting": false}})
	stack, err := Build(app, BuildOptions{Root: root, Tenant: "vpcexample", AssetDir: assets})
	if err != nil {
		t.Fatal(err)
	}
	tpl := *assertions.Template_FromStack(stack.Stack, nil).ToJSON()
	checkNoWildcard(t, tpl)

	inVPC := 0
	for _, fn := range resourcesOfType(tpl, "AWS::Lambda::Function") {
		if props(fn)["VpcConfig"] != nil {
			inVPC++
		}
	}
	if inVPC == 0 {
		t.Error("no function joined the tenant's subnets")
	}
}

func mustAbs(t *testing.T, path string) string {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}
