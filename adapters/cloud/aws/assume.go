package aws

import (
	"context"
	"fmt"
	"regexp"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/secamo/orchestrator/tenants"
)

// AssumeOptions configures the role session in the tenant's account.
type AssumeOptions struct {
	// ExternalID is the external id that the role's trust policy requires, if any. It guards
	// against the confused-deputy problem when one provider account assumes roles in many
	// customers' accounts.
	ExternalID string
	// SessionName names the session in the tenant's CloudTrail (default "secamo-orchestrator").
	SessionName string
	// Duration is the lifetime of each set of credentials (default 15 minutes, the SDK's;
	// at most the role's maximum session duration).
	Duration time.Duration
	// NewSTSClient builds the STS client from the base configuration (default sts.NewFromConfig).
	// Tests replace it.
	NewSTSClient func(sdkaws.Config) stscreds.AssumeRoleAPIClient
}

var (
	roleARNPattern    = regexp.MustCompile(`^arn:aws[a-z-]*:iam::(\d{12}):role/[\w+=,.@/-]{1,512}$`)
	externalIDPattern = regexp.MustCompile(`^[\w+=,.@:/-]+$`)
	sessionPattern    = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
)

// TenantConfig loads the AWS configuration for the tenant's region from the default chain
// (environment, shared files, the Lambda's role) and, when the tenant has a RoleARN, replaces
// its credentials with cached credentials from sts:AssumeRole into that role. The base
// credentials must be allowed to assume the role. No AWS call is made until a client signs
// its first request.
func TenantConfig(ctx context.Context, tenant tenants.AWS, o AssumeOptions, load ...func(*config.LoadOptions) error) (sdkaws.Config, error) {
	if tenant.Region != "" {
		load = append(load, config.WithRegion(tenant.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return sdkaws.Config{}, fmt.Errorf("loading AWS configuration: %w", err)
	}
	if tenant.RoleARN == "" {
		return cfg, nil
	}
	if err := checkRoleARN(tenant); err != nil {
		return sdkaws.Config{}, err
	}
	newClient := o.NewSTSClient
	if newClient == nil {
		newClient = func(c sdkaws.Config) stscreds.AssumeRoleAPIClient { return sts.NewFromConfig(c) }
	}
	if o.ExternalID == "" {
		o.ExternalID = tenant.ExternalID
	}
	creds, err := AssumeRoleCredentials(newClient(cfg), tenant.RoleARN, o)
	if err != nil {
		return sdkaws.Config{}, err
	}
	cfg.Credentials = creds
	return cfg, nil
}

// AssumeRoleCredentials returns cached credentials of the role, obtained with client and
// renewed before they expire.
func AssumeRoleCredentials(client stscreds.AssumeRoleAPIClient, roleARN string, o AssumeOptions) (*sdkaws.CredentialsCache, error) {
	if !roleARNPattern.MatchString(roleARN) {
		return nil, fmt.Errorf("invalid role ARN %q: write it like arn:aws:iam::123456789012:role/SecamoOrchestrator", roleARN)
	}
	if o.ExternalID != "" && (len(o.ExternalID) < 2 || len(o.ExternalID) > 1224 || !externalIDPattern.MatchString(o.ExternalID)) {
		return nil, fmt.Errorf("invalid external id for role %s: use 2 to 1224 letters, digits or +=,.@:/-", roleARN)
	}
	session := o.SessionName
	if session == "" {
		session = "secamo-orchestrator"
	}
	if !sessionPattern.MatchString(session) {
		return nil, fmt.Errorf("invalid session name %q: use 2 to 64 letters, digits or +=,.@-", session)
	}
	provider := stscreds.NewAssumeRoleProvider(client, roleARN, func(ao *stscreds.AssumeRoleOptions) {
		ao.RoleSessionName = session
		if o.ExternalID != "" {
			ao.ExternalID = sdkaws.String(o.ExternalID)
		}
		if o.Duration > 0 {
			ao.Duration = o.Duration
		}
	})
	return sdkaws.NewCredentialsCache(provider), nil
}

// checkRoleARN checks that the role lives in the tenant's own account, when the account is
// configured, so that a copied configuration cannot act in another customer's account.
func checkRoleARN(tenant tenants.AWS) error {
	m := roleARNPattern.FindStringSubmatch(tenant.RoleARN)
	if m == nil {
		return fmt.Errorf("invalid aws.roleARN %q: write it like arn:aws:iam::123456789012:role/SecamoOrchestrator", tenant.RoleARN)
	}
	if tenant.AccountID != "" && m[1] != tenant.AccountID {
		return fmt.Errorf("invalid aws.roleARN %q: the role is in account %s, but aws.accountID is %s", tenant.RoleARN, m[1], tenant.AccountID)
	}
	return nil
}
