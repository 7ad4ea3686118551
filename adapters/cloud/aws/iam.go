package aws

import (
	"context"
	"errors"
	"fmt"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
)

// IAMAPI is the part of the IAM client that AccessKeys calls; *iam.Client implements it.
type IAMAPI interface {
	ListAccessKeys(ctx context.Context, in *iam.ListAccessKeysInput, opts ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error)
	UpdateAccessKey(ctx context.Context, in *iam.UpdateAccessKeyInput, opts ...func(*iam.Options)) (*iam.UpdateAccessKeyOutput, error)
}

var _ IAMAPI = (*iam.Client)(nil)

// Access key statuses as IAM reports them.
const (
	KeyActive   = string(iamtypes.StatusTypeActive)
	KeyInactive = string(iamtypes.StatusTypeInactive)
	KeyExpired  = string(iamtypes.StatusTypeExpired)
)

// AccessKey is one IAM access key of a user. It never contains the secret.
type AccessKey struct {
	ID       string    `json:"id"`
	UserName string    `json:"userName"`
	Status   string    `json:"status"` // Active, Inactive or Expired
	Created  time.Time `json:"created,omitzero"`
}

// AccessKeys lists and deactivates IAM users' access keys.
type AccessKeys struct {
	client IAMAPI
}

// NewAccessKeys returns an AccessKeys that calls client.
func NewAccessKeys(client IAMAPI) *AccessKeys { return &AccessKeys{client: client} }

// ListAccessKeys returns every access key of the IAM user, following IAM's pagination.
func (a *AccessKeys) ListAccessKeys(ctx context.Context, userName string) ([]AccessKey, error) {
	var keys []AccessKey
	in := &iam.ListAccessKeysInput{UserName: sdkaws.String(userName)}
	for {
		out, err := a.client.ListAccessKeys(ctx, in)
		if err != nil {
			return nil, classify("iam:ListAccessKeys", userName, err)
		}
		for _, m := range out.AccessKeyMetadata {
			keys = append(keys, AccessKey{
				ID:       sdkaws.ToString(m.AccessKeyId),
				UserName: userName,
				Status:   string(m.Status),
				Created:  sdkaws.ToTime(m.CreateDate),
			})
		}
		if !out.IsTruncated || out.Marker == nil {
			return keys, nil
		}
		in.Marker = out.Marker
	}
}

// DeactivateAccessKey sets the key's status to Inactive. Deactivating an inactive key
// succeeds and changes nothing.
func (a *AccessKeys) DeactivateAccessKey(ctx context.Context, userName, keyID string) error {
	_, err := a.client.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{
		UserName:    sdkaws.String(userName),
		AccessKeyId: sdkaws.String(keyID),
		Status:      iamtypes.StatusTypeInactive,
	})
	if err != nil {
		return classify("iam:UpdateAccessKey", userName, err)
	}
	return nil
}

// NoSuchIAMUser is returned when the IAM user or the access key does not exist.
type NoSuchIAMUser struct {
	UserName string
	Detail   string
}

func (e *NoSuchIAMUser) Error() string {
	return fmt.Sprintf("IAM user %q or its access key not found: %s", e.UserName, e.Detail)
}

// Throttled is returned when AWS still throttles the call after the SDK's own retries.
type Throttled struct {
	Operation string
	Err       error
}

func (e *Throttled) Error() string { return fmt.Sprintf("%s throttled by AWS: %v", e.Operation, e.Err) }
func (e *Throttled) Unwrap() error { return e.Err }

// PermissionDenied is returned when the orchestrator's role lacks the IAM permission.
type PermissionDenied struct {
	Operation string
	Err       error
}

func (e *PermissionDenied) Error() string {
	return fmt.Sprintf("permission denied for %s: %v; grant it to the orchestrator's role", e.Operation, e.Err)
}
func (e *PermissionDenied) Unwrap() error { return e.Err }

// classify turns an SDK error into one of the package's typed errors by its API error code,
// or wraps it with the operation for any other code.
func classify(operation, userName string, err error) error {
	var noSuch *iamtypes.NoSuchEntityException
	if errors.As(err, &noSuch) {
		return &NoSuchIAMUser{UserName: userName, Detail: noSuch.ErrorMessage()}
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException":
			return &Throttled{Operation: operation, Err: err}
		case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation":
			return &PermissionDenied{Operation: operation, Err: err}
		}
	}
	return fmt.Errorf("%s for IAM user %q: %w", operation, userName, err)
}
