package infra

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"

	"github.com/secamo/orchestrator/tenants"
)

// TestTicketingOAuthSecrets checks that a ticketing step may read the OAuth client secret and
// refresh token, and write the refresh token, which Jira rotates at every refresh.
func TestTicketingOAuthSecrets(t *testing.T) {
	synthExample(t) // skips or fails the same way when Node.js is missing
	tenant := &tenants.Config{Name: "acme", AWS: tenants.AWS{AccountID: "123456789012", Region: "eu-west-1"},
		Ticketing: tenants.Ticketing{System: "jira", Auth: "oauth", OAuth: &tenants.TicketingOAuth{
			TokenURL: "https://auth.atlassian.com/oauth/token", ClientID: "client",
			ClientSecret: "secretsmanager:acme/jira-client-secret", RefreshToken: "secretsmanager:acme/jira-refresh-token"}}}
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Permissions"), nil)
	role := awsiam.NewRole(stack, jsii.String("Step"), &awsiam.RoleProps{AssumedBy: awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil)})
	if err := grant(role, capTicketing, tenant, nil); err != nil {
		t.Fatal(err)
	}
	tpl := *assertions.Template_FromStack(stack, nil).ToJSON()

	allowed := map[string][]string{}
	for _, st := range statements(tpl, "Step") {
		for _, action := range strs(st["Action"]) {
			allowed[action] = append(allowed[action], strs(st["Resource"])...)
		}
	}
	reads := strings.Join(allowed["secretsmanager:GetSecretValue"], " ")
	for _, name := range []string{"acme/jira-client-secret-??????", "acme/jira-refresh-token-??????"} {
		if !strings.Contains(reads, name) {
			t.Errorf("GetSecretValue on %s, want it on %s", reads, name)
		}
	}
	writes := allowed["secretsmanager:PutSecretValue"]
	if len(writes) != 1 || !strings.Contains(writes[0], "acme/jira-refresh-token-??????") {
		t.Errorf("PutSecretValue on %v, want only the refresh token", writes)
	}
	if slices.ContainsFunc(writes, func(arn string) bool { return strings.Contains(arn, "client-secret") }) {
		t.Errorf("PutSecretValue on %v: the client secret must stay read-only", writes)
	}
}

// TestADStepsInTenantVPC checks that a function that reaches the domain controller joins the
// tenant's subnets and may manage its network interfaces.
func TestADStepsInTenantVPC(t *testing.T) {
	synthExample(t) // skips or fails the same way when Node.js is missing
	tenant := &tenants.Config{Name: "acme", AWS: tenants.AWS{AccountID: "123456789012", Region: "eu-west-1"},
		Identity: tenants.Identity{ActiveDirectory: &tenants.ActiveDirectory{
			Network: &tenants.Network{SubnetIDs: []string{"subnet-0a1b2c3d"}, SecurityGroupIDs: []string{"sg-0a1b2c3d"}},
		}}}

	assets := t.TempDir()
	if err := os.MkdirAll(filepath.Join(assets, binaryCore), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(assets, binaryCore, "bootstrap"), []byte("stand-in\n"), 0o755); err != nil {
		t.Fatal(err)
	}

	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Network"), nil)
	_, _, err := newFunction(stack, "DisableADAccount", functionProps{
		Tenant: tenant, AssetDir: assets, Binary: binaryCore, Handler: "DisableADAccount", Timeout: 60,
		Network: adNetwork(stepCatalog["DisableADAccount"], tenant),
	})
	if err != nil {
		t.Fatal(err)
	}

	tpl := assertions.Template_FromStack(stack, nil)
	tpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
		"VpcConfig": map[string]any{"SubnetIds": []any{"subnet-0a1b2c3d"}, "SecurityGroupIds": []any{"sg-0a1b2c3d"}},
	})
	allowed := map[string]bool{}
	for _, st := range statements(*tpl.ToJSON(), "DisableADAccount") {
		for _, action := range strs(st["Action"]) {
			allowed[action] = true
		}
	}
	if !allowed["ec2:CreateNetworkInterface"] || !allowed["ec2:DeleteNetworkInterface"] {
		t.Errorf("actions %v, want the network interface permissions of a VPC function", allowed)
	}
	if adNetwork(stepCatalog["RequestApproval"], tenant) != nil {
		t.Error("a step that does not reach the domain controller was placed in the VPC")
	}
}
