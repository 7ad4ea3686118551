package aws

import (
	"context"
	"strings"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/secamo/orchestrator/tenants"
)

const tenantRole = "arn:aws:iam::123456789012:role/SecamoOrchestrator"

// fakeSTS records the AssumeRole request and returns fixed credentials.
type fakeSTS struct {
	in    *sts.AssumeRoleInput
	calls int
}

func (f *fakeSTS) AssumeRole(_ context.Context, in *sts.AssumeRoleInput, _ ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	f.in = in
	f.calls++
	return &sts.AssumeRoleOutput{Credentials: &ststypes.Credentials{
		AccessKeyId:     sdkaws.String("ASIATENANT"),
		SecretAccessKey: sdkaws.String("tenant-secret"),
		SessionToken:    sdkaws.String("tenant-token"),
		Expiration:      sdkaws.Time(time.Now().Add(time.Hour)),
	}}, nil
}

// staticBase keeps LoadDefaultConfig off the shared files and the instance metadata service.
func staticBase(t *testing.T) []func(*config.LoadOptions) error {
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	return []func(*config.LoadOptions) error{config.WithCredentialsProvider(sdkaws.CredentialsProviderFunc(
		func(context.Context) (sdkaws.Credentials, error) {
			return sdkaws.Credentials{AccessKeyID: "AKIABASE", SecretAccessKey: "base-secret"}, nil
		}))}
}

func TestTenantConfigAssumesRole(t *testing.T) {
	fake := &fakeSTS{}
	o := AssumeOptions{ExternalID: "secamo-tenant-acme", NewSTSClient: func(sdkaws.Config) stscreds.AssumeRoleAPIClient { return fake }}
	tenant := tenants.AWS{AccountID: "123456789012", Region: "eu-west-1", RoleARN: tenantRole}

	cfg, err := TenantConfig(context.Background(), tenant, o, staticBase(t)...)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "eu-west-1" {
		t.Errorf("region = %q, want eu-west-1", cfg.Region)
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if creds.AccessKeyID != "ASIATENANT" {
		t.Errorf("access key = %q, want the assumed role's", creds.AccessKeyID)
	}
	if sdkaws.ToString(fake.in.RoleArn) != tenantRole || sdkaws.ToString(fake.in.ExternalId) != "secamo-tenant-acme" ||
		sdkaws.ToString(fake.in.RoleSessionName) != "secamo-orchestrator" {
		t.Errorf("AssumeRole input = %+v", fake.in)
	}
	if _, err := cfg.Credentials.Retrieve(context.Background()); err != nil || fake.calls != 1 {
		t.Errorf("second Retrieve: %v, AssumeRole calls = %d, want 1 (cached)", err, fake.calls)
	}
}

func TestTenantConfigWithoutRole(t *testing.T) {
	cfg, err := TenantConfig(context.Background(), tenants.AWS{Region: "eu-central-1"}, AssumeOptions{
		NewSTSClient: func(sdkaws.Config) stscreds.AssumeRoleAPIClient {
			t.Error("STS client built without a role")
			return nil
		},
	}, staticBase(t)...)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil || creds.AccessKeyID != "AKIABASE" {
		t.Errorf("credentials = %q, %v, want the base credentials", creds.AccessKeyID, err)
	}
}

func TestTenantConfigInvalid(t *testing.T) {
	tests := []struct {
		name   string
		tenant tenants.AWS
		opts   AssumeOptions
		want   string
	}{
		{"malformed ARN", tenants.AWS{RoleARN: "SecamoOrchestrator"}, AssumeOptions{}, "invalid aws.roleARN"},
		{"other account", tenants.AWS{AccountID: "210987654321", RoleARN: tenantRole}, AssumeOptions{}, "the role is in account 123456789012"},
		{"bad external id", tenants.AWS{RoleARN: tenantRole}, AssumeOptions{ExternalID: "has space"}, "invalid external id"},
		{"bad session", tenants.AWS{RoleARN: tenantRole}, AssumeOptions{SessionName: "x"}, "invalid session name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.NewSTSClient = func(sdkaws.Config) stscreds.AssumeRoleAPIClient { return &fakeSTS{} }
			_, err := TenantConfig(context.Background(), tt.tenant, tt.opts, staticBase(t)...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("TenantConfig = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestTenantConfigTakesExternalIDFromTenant(t *testing.T) {
	fake := &fakeSTS{}
	o := AssumeOptions{NewSTSClient: func(sdkaws.Config) stscreds.AssumeRoleAPIClient { return fake }}
	tenant := tenants.AWS{AccountID: "123456789012", Region: "eu-west-1", RoleARN: tenantRole, ExternalID: "from-tenant-file"}

	cfg, err := TenantConfig(context.Background(), tenant, o, staticBase(t)...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cfg.Credentials.Retrieve(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := sdkaws.ToString(fake.in.ExternalId); got != "from-tenant-file" {
		t.Errorf("external id = %q, want the tenant file's", got)
	}
}
