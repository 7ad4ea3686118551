// Package sfnresolver resumes AWS Step Functions executions waiting on a task token: the
// approvals.TaskResolver of the AWS runtime. It returns the SDK's errors wrapped, so
// approvals.ResolverErrorName finds types.TaskTimedOut, types.TaskDoesNotExist and
// types.InvalidToken by their type names, exactly like the local engine's errors.
package sfnresolver

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/secamo/orchestrator/approvals"
)

// Client is the part of the Step Functions client the resolver uses.
type Client interface {
	SendTaskSuccess(ctx context.Context, in *sfn.SendTaskSuccessInput, opts ...func(*sfn.Options)) (*sfn.SendTaskSuccessOutput, error)
	SendTaskFailure(ctx context.Context, in *sfn.SendTaskFailureInput, opts ...func(*sfn.Options)) (*sfn.SendTaskFailureOutput, error)
}

var _ Client = (*sfn.Client)(nil)

// Resolver sends task results to Step Functions.
type Resolver struct {
	Client Client
}

var _ approvals.TaskResolver = (*Resolver)(nil)

// Limits of SendTaskFailure documented in the Step Functions API reference.
const (
	maxErrorName = 256
	maxCause     = 32768
)

// SendTaskSuccess implements approvals.TaskResolver.
func (r *Resolver) SendTaskSuccess(ctx context.Context, token, output string) error {
	_, err := r.Client.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: &token, Output: &output})
	if err != nil {
		return fmt.Errorf("resuming execution with task success: %w", err)
	}
	return nil
}

// SendTaskFailure implements approvals.TaskResolver.
func (r *Resolver) SendTaskFailure(ctx context.Context, token, errorName, cause string) error {
	if len(errorName) > maxErrorName || len(cause) > maxCause {
		return fmt.Errorf("resuming execution with task failure: error name of %d or cause of %d bytes exceeds the limits of %d and %d",
			len(errorName), len(cause), maxErrorName, maxCause)
	}
	_, err := r.Client.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: &token, Error: &errorName, Cause: &cause})
	if err != nil {
		return fmt.Errorf("resuming execution with task failure: %w", err)
	}
	return nil
}
