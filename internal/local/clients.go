package local

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	awsadapter "github.com/secamo/orchestrator/adapters/cloud/aws"
	"github.com/secamo/orchestrator/adapters/identity/activedirectory"
	"github.com/secamo/orchestrator/lambdas/offboarding"
	"github.com/secamo/orchestrator/lambdas/offboarding/adaccounts"
)

// addActiveDirectory sets the AD interfaces: the Options' directory, or an LDAP client
// when the tenant has an identity.activeDirectory section.
func (rt *Runtime) addActiveDirectory(steps *offboarding.Steps) error {
	if d := rt.opts.AD; d != nil {
		steps.ADUsers, steps.ADAccounts, steps.ADGroups = d, d, d
		return nil
	}
	ad := rt.Tenant.Identity.ActiveDirectory
	if ad == nil {
		return nil
	}
	cfg := activedirectory.ConfigFromTenant(ad)
	cfg.Logger = rt.opts.Logger
	client, err := activedirectory.New(cfg, rt.opts.Secrets)
	if err != nil {
		return fmt.Errorf("building the Active Directory client: %w", err)
	}
	wrapped := adaccounts.New(client)
	steps.ADUsers, steps.ADAccounts, steps.ADGroups = wrapped, wrapped, wrapped
	return nil
}

// addAccessKeys sets the IAM client: the Options' one, or one for the tenant's account
// when it maps users to IAM users.
func (rt *Runtime) addAccessKeys(ctx context.Context, steps *offboarding.Steps) error {
	if k := rt.opts.AccessKeys; k != nil {
		steps.AccessKeys = k
		return nil
	}
	a := rt.Tenant.AWS
	if len(a.IAMUsers) == 0 {
		return nil
	}
	var opts []func(*config.LoadOptions) error
	if a.Region != "" {
		opts = append(opts, config.WithRegion(a.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return fmt.Errorf("loading the AWS configuration: %w", err)
	}
	if a.RoleARN != "" {
		cfg.Credentials = stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), a.RoleARN)
	}
	steps.AccessKeys = awsadapter.NewAccessKeys(iam.NewFromConfig(cfg))
	return nil
}
