package aws

import (
	"errors"
	"fmt"

	"github.com/aws/smithy-go"
)

// InstanceNotFound is returned when the EC2 instance does not exist in the account and
// region, or its id is malformed.
type InstanceNotFound struct {
	InstanceID string
	Detail     string
}

func (e *InstanceNotFound) Error() string {
	return fmt.Sprintf("EC2 instance %q not found: %s", e.InstanceID, e.Detail)
}

// ProtectedResource is returned when the instance carries the protection tag, so that
// automation must not isolate it; an engineer contains it by hand.
type ProtectedResource struct {
	InstanceID string
	Tag        string
}

func (e *ProtectedResource) Error() string {
	return fmt.Sprintf("EC2 instance %q is protected by the tag %s=true: contain it by hand or remove the tag", e.InstanceID, e.Tag)
}

// classifyEC2 turns an EC2 error into one of the package's typed errors by its API error
// code, or wraps it with the operation and resource (an instance, VPC or group id) for any
// other code.
func classifyEC2(operation, resource string, err error) error {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed":
			return &InstanceNotFound{InstanceID: resource, Detail: apiErr.ErrorMessage()}
		case "RequestLimitExceeded", "Throttling", "ThrottlingException":
			return &Throttled{Operation: operation, Err: err}
		case "UnauthorizedOperation", "AccessDenied", "AccessDeniedException":
			return &PermissionDenied{Operation: operation, Err: err}
		}
	}
	return fmt.Errorf("%s on %s: %w", operation, resource, err)
}
