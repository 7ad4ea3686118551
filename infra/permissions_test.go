package infra

import (
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
