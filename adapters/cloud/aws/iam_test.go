package aws

import (
	"context"
	"errors"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
)

// fakeIAM keeps access keys per user in memory and serves them in pages of pageSize.
type fakeIAM struct {
	keys     map[string][]iamtypes.AccessKeyMetadata
	pageSize int
	err      error // returned by every call when set
	updates  int
}

func (f *fakeIAM) ListAccessKeys(_ context.Context, in *iam.ListAccessKeysInput, _ ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error) {
	if f.err != nil {
		return nil, f.err
	}
	all, ok := f.keys[sdkaws.ToString(in.UserName)]
	if !ok {
		return nil, &iamtypes.NoSuchEntityException{Message: sdkaws.String("The user cannot be found.")}
	}
	start := 0
	if in.Marker != nil {
		for i, k := range all {
			if sdkaws.ToString(k.AccessKeyId) == *in.Marker {
				start = i
			}
		}
	}
	end := min(start+f.pageSize, len(all))
	out := &iam.ListAccessKeysOutput{AccessKeyMetadata: all[start:end]}
	if end < len(all) {
		out.IsTruncated = true
		out.Marker = all[end].AccessKeyId
	}
	return out, nil
}

func (f *fakeIAM) UpdateAccessKey(_ context.Context, in *iam.UpdateAccessKeyInput, _ ...func(*iam.Options)) (*iam.UpdateAccessKeyOutput, error) {
	if f.err != nil {
		return nil, f.err
	}
	f.updates++
	keys := f.keys[sdkaws.ToString(in.UserName)]
	for i := range keys {
		if sdkaws.ToString(keys[i].AccessKeyId) == sdkaws.ToString(in.AccessKeyId) {
			keys[i].Status = in.Status
			return &iam.UpdateAccessKeyOutput{}, nil
		}
	}
	return nil, &iamtypes.NoSuchEntityException{Message: sdkaws.String("The Access Key with id " + sdkaws.ToString(in.AccessKeyId) + " cannot be found.")}
}

func key(id string, status iamtypes.StatusType) iamtypes.AccessKeyMetadata {
	created := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	return iamtypes.AccessKeyMetadata{AccessKeyId: sdkaws.String(id), Status: status, CreateDate: &created, UserName: sdkaws.String("jan.peeters")}
}

func TestListAccessKeysFollowsPages(t *testing.T) {
	fake := &fakeIAM{pageSize: 1, keys: map[string][]iamtypes.AccessKeyMetadata{
		"jan.peeters": {key("AKIA1", iamtypes.StatusTypeActive), key("AKIA2", iamtypes.StatusTypeInactive)},
	}}
	keys, err := NewAccessKeys(fake).ListAccessKeys(context.Background(), "jan.peeters")
	if err != nil {
		t.Fatalf("ListAccessKeys: %v", err)
	}
	if len(keys) != 2 {
		t.Fatalf("got %d keys, want 2: %+v", len(keys), keys)
	}
	if keys[0].ID != "AKIA1" || keys[0].Status != KeyActive {
		t.Errorf("first key = %+v, want AKIA1 Active", keys[0])
	}
	if keys[1].ID != "AKIA2" || keys[1].Status != KeyInactive {
		t.Errorf("second key = %+v, want AKIA2 Inactive", keys[1])
	}
}

func TestDeactivateAccessKey(t *testing.T) {
	fake := &fakeIAM{pageSize: 10, keys: map[string][]iamtypes.AccessKeyMetadata{
		"jan.peeters": {key("AKIA1", iamtypes.StatusTypeActive)},
	}}
	keys := NewAccessKeys(fake)
	ctx := context.Background()
	if err := keys.DeactivateAccessKey(ctx, "jan.peeters", "AKIA1"); err != nil {
		t.Fatalf("DeactivateAccessKey: %v", err)
	}
	if got := fake.keys["jan.peeters"][0].Status; got != iamtypes.StatusTypeInactive {
		t.Errorf("status after deactivation = %s, want Inactive", got)
	}
	if err := keys.DeactivateAccessKey(ctx, "jan.peeters", "AKIA1"); err != nil {
		t.Errorf("second deactivation: %v, want nil", err)
	}
}

func TestErrorsAreClassified(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		user   string
		target any
	}{
		{"missing user", nil, "nobody", new(*NoSuchIAMUser)},
		{"throttling", &smithy.GenericAPIError{Code: "Throttling", Message: "Rate exceeded"}, "jan.peeters", new(*Throttled)},
		{"access denied", &smithy.GenericAPIError{Code: "AccessDenied", Message: "not authorized to perform iam:ListAccessKeys"}, "jan.peeters", new(*PermissionDenied)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeIAM{pageSize: 10, err: tt.err, keys: map[string][]iamtypes.AccessKeyMetadata{"jan.peeters": nil}}
			_, err := NewAccessKeys(fake).ListAccessKeys(context.Background(), tt.user)
			if err == nil {
				t.Fatal("ListAccessKeys returned no error")
			}
			if !errors.As(err, tt.target) {
				t.Errorf("error %v (%T) is not a %T", err, err, tt.target)
			}
		})
	}
}

func TestUnknownErrorKeepsCause(t *testing.T) {
	cause := &smithy.GenericAPIError{Code: "ServiceFailure", Message: "internal"}
	fake := &fakeIAM{pageSize: 10, err: cause}
	err := NewAccessKeys(fake).DeactivateAccessKey(context.Background(), "jan.peeters", "AKIA1")
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ServiceFailure" {
		t.Errorf("error %v does not wrap the API error", err)
	}
}
