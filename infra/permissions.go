package infra

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"

	"github.com/secamo/orchestrator/secrets"
	"github.com/secamo/orchestrator/tenants"
)

// capability is one kind of access a step's handler needs.
type capability string

const (
	capEntra      capability = "entra"      // the Graph client secret
	capAD         capability = "ad"         // the AD bind password
	capTicketing  capability = "ticketing"  // the ticketing credentials
	capApprovals  capability = "approvals"  // the approvals table, the signing key, the Teams webhook, SES
	capMail       capability = "mail"       // SES, for escalations
	capIAMKeys    capability = "iamKeys"    // list and deactivate the mapped IAM users' access keys
	capIAMKeyRead capability = "iamKeyRead" // list the mapped IAM users' access keys
	capEvidence   capability = "evidence"   // write under evidence/ in the bucket
	capEC2        capability = "ec2"        // describe, isolate, snapshot, tag and release EC2 instances
	capEC2Read    capability = "ec2Read"    // describe EC2 instances
	capIntel      capability = "intel"      // the threat-intelligence API keys
)

// stepCatalog lists every step a workflow may name and what its handler calls. A step missing
// here fails synthesis, so a new step cannot be deployed with guessed permissions.
var stepCatalog = map[string][]capability{
	"ResolveUser":            {capEntra, capAD},
	"CheckExclusions":        {capEntra, capAD},
	"BuildPlan":              {capEntra, capAD, capIAMKeyRead},
	"RequestApproval":        {capApprovals},
	"DisableEntraUser":       {capEntra},
	"RevokeSessions":         {capEntra},
	"RemoveGroupMemberships": {capEntra},
	"RemoveLicenses":         {capEntra},
	"DisableADAccount":       {capAD},
	"DeactivateAccessKeys":   {capIAMKeys},
	"VerifyOffboarding":      {capEntra, capAD, capIAMKeyRead},
	"RecordEvidence":         {capEvidence},
	"CommentOnTicket":        {capTicketing},
	"ResolveTicket":          {capTicketing},
	// NOTE: ReportFailure gets no directory credentials, which could change the
	// directories. So in AWS its read-back of the changes fails, and its comment reports that.
	"ReportFailure":   {capTicketing, capMail},
	"AssessAlert":     {capIntel, capEC2Read, capIAMKeyRead},
	"OpenCase":        {capTicketing},
	"ContainInstance": {capEC2},
	"ReleaseInstance": {capEC2},
	"RecordOutcome":   {capTicketing},
}

// KnownSteps returns the step names the stack can deploy, sorted.
func KnownSteps() []string {
	names := make([]string, 0, len(stepCatalog))
	for n := range stepCatalog {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// grant adds to role what capability c needs for tenant t.
func grant(role awsiam.Role, c capability, t *tenants.Config, st *Storage) error {
	switch c {
	case capEntra:
		if e := t.Identity.Entra; e != nil {
			return grantSecrets(role, t, "identity.entra.clientSecret", e.ClientSecret)
		}
	case capAD:
		if a := t.Identity.ActiveDirectory; a != nil {
			return grantSecrets(role, t, "identity.activeDirectory.bindPassword", a.BindPassword)
		}
	case capTicketing:
		return grantTicketing(role, t)
	case capApprovals:
		st.ApprovalsTable.GrantReadWriteData(role)
		if err := grantSecrets(role, t, "approvals.signingKey", t.Approvals.SigningKey); err != nil {
			return err
		}
		if err := grantSecrets(role, t, "approvals.teamsWebhook", t.Approvals.TeamsWebhook); err != nil {
			return err
		}
		grantMail(role, t)
	case capMail:
		grantMail(role, t)
	case capIAMKeys, capIAMKeyRead:
		actions := []string{"iam:ListAccessKeys"}
		if c == capIAMKeys {
			actions = append(actions, "iam:UpdateAccessKey")
		}
		var users []string
		for _, u := range t.AWS.IAMUsers {
			users = append(users, fmt.Sprintf("arn:%s:iam::%s:user/%s", *awscdk.Aws_PARTITION(), account(t), u))
		}
		if len(users) == 0 {
			return nil
		}
		sort.Strings(users)
		role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions: jsii.Strings(actions...), Resources: jsii.Strings(users...),
		}))
	case capEvidence:
		grantPutObjects(role, st, "evidence/")
	case capEC2, capEC2Read:
		grantEC2(role, t, c == capEC2)
	case capIntel:
		return grantSecrets(role, t, "triage.intel", t.Triage.Intel.AbuseIPDBKey, t.Triage.Intel.VirusTotalKey)
	default:
		return fmt.Errorf("unknown capability %q", c)
	}
	return nil
}

// grantTicketing lets role read the ticketing system's credentials: the token or password,
// or the OAuth client secret and refresh token. It may also write the refresh token, because
// Jira rotates it at every refresh and the step stores the new one.
func grantTicketing(role awsiam.Role, t *tenants.Config) error {
	if err := grantSecrets(role, t, "ticketing.credentials", t.Ticketing.Credentials); err != nil {
		return err
	}
	o := t.Ticketing.OAuth
	if o == nil {
		return nil
	}
	if err := grantSecrets(role, t, "ticketing.oauth", o.ClientSecret, o.RefreshToken); err != nil {
		return err
	}
	if o.RefreshToken != "" {
		role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions: jsii.Strings("secretsmanager:PutSecretValue"), Resources: jsii.Strings(secretARN(t, o.RefreshToken)),
		}))
	}
	return nil
}

// grantSecrets lets role read the Secrets Manager secrets behind refs; empty refs are skipped.
func grantSecrets(role awsiam.Role, t *tenants.Config, field string, refs ...secrets.Ref) error {
	var arns []string
	for _, ref := range refs {
		if ref == "" {
			continue
		}
		if ref.Scheme() != "secretsmanager" {
			return fmt.Errorf("tenant %s: %s is %s:..., but a deployed tenant reads secrets from Secrets Manager: write secretsmanager:NAME", t.Name, field, ref.Scheme())
		}
		arns = append(arns, secretARN(t, ref))
	}
	if len(arns) > 0 {
		role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions: jsii.Strings("secretsmanager:GetSecretValue"), Resources: jsii.Strings(arns...),
		}))
	}
	return nil
}

// grantMail lets role send e-mail from the tenant's sender domain through SES.
func grantMail(role awsiam.Role, t *tenants.Config) {
	if t.Approvals.From == "" {
		return
	}
	_, domain, _ := strings.Cut(t.Approvals.From, "@")
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions: jsii.Strings("ses:SendEmail"),
		Resources: jsii.Strings(
			fmt.Sprintf("arn:%s:ses:%s:%s:identity/%s", *awscdk.Aws_PARTITION(), region(t), account(t), domain),
		),
	}))
}

func account(t *tenants.Config) string {
	if t.AWS.AccountID != "" {
		return t.AWS.AccountID
	}
	return *awscdk.Aws_ACCOUNT_ID()
}

func region(t *tenants.Config) string {
	if t.AWS.Region != "" {
		return t.AWS.Region
	}
	return *awscdk.Aws_REGION()
}

// grantPutObjects lets role write objects under prefix in the evidence bucket, and nothing
// else: no reads, no deletes, no other prefix.
func grantPutObjects(role awsiam.Role, st *Storage, prefix string) {
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("s3:PutObject"),
		Resources: jsii.Strings(*st.Bucket.BucketArn() + "/" + prefix + "*"),
	}))
	suppress(role, "AwsSolutions-IAM5",
		"object keys are generated per execution (case id, timestamp) under one fixed prefix of the tenant's own bucket",
		regex(`/^Resource::<.*Evidence.*\.Arn>\/(evidence|quarantine)\/\*$/`))
}

// grantEC2 lets role describe the tenant's instances and, with contain, isolate them in a
// quarantine security group, snapshot their volumes, tag them and release them. EC2's
// Describe actions accept no resource-level permissions, so they name every resource and
// are limited to the tenant's region by condition.
func grantEC2(role awsiam.Role, t *tenants.Config, contain bool) {
	describe := []string{"ec2:DescribeInstances"}
	if contain {
		describe = append(describe, "ec2:DescribeSecurityGroups", "ec2:DescribeSnapshots")
	}
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:    jsii.Strings(describe...),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]any{"StringEquals": map[string]any{"aws:RequestedRegion": region(t)}},
	}))
	if !contain {
		return
	}
	arn := func(resource string) string {
		return fmt.Sprintf("arn:%s:ec2:%s:%s:%s", *awscdk.Aws_PARTITION(), region(t), account(t), resource)
	}
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions: jsii.Strings(
			"ec2:CreateSecurityGroup", "ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress",
			"ec2:ModifyNetworkInterfaceAttribute", "ec2:CreateTags", "ec2:DeleteTags", "ec2:CreateSnapshot",
		),
		Resources: jsii.Strings(
			arn("instance/*"), arn("network-interface/*"), arn("security-group/*"), arn("vpc/*"), arn("volume/*"),
			fmt.Sprintf("arn:%s:ec2:%s::snapshot/*", *awscdk.Aws_PARTITION(), region(t)),
		),
	}))
	suppress(role, "AwsSolutions-IAM5",
		"the instance under attack, its interfaces, volumes and VPC are known only when an alert arrives, so containment acts on any of them in the tenant's own account and region",
		regex(`/^Resource::arn:.*:ec2:.*\/\*$/`))
}

// secretARN returns the ARN pattern of the secret behind a secretsmanager: reference. Secrets
// Manager appends six random characters to a secret's name in its ARN.
func secretARN(t *tenants.Config, ref secrets.Ref) string {
	return fmt.Sprintf("arn:%s:secretsmanager:%s:%s:secret:%s-??????", *awscdk.Aws_PARTITION(), region(t), account(t), ref.Name())
}
