package sfnresolver_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"
	"github.com/secamo/orchestrator/approvals"
	"github.com/secamo/orchestrator/approvals/sfnresolver"
	"github.com/secamo/orchestrator/approvals/storetest"
)

// fakeSFN records the inputs and fails with Err the way the SDK does: a
// *smithy.OperationError around the service's typed error.
type fakeSFN struct {
	success []*sfn.SendTaskSuccessInput
	failure []*sfn.SendTaskFailureInput
	Err     error
}

func (f *fakeSFN) wrap(op string) error {
	if f.Err == nil {
		return nil
	}
	return &smithy.OperationError{ServiceID: "SFN", OperationName: op, Err: f.Err}
}

func (f *fakeSFN) SendTaskSuccess(ctx context.Context, in *sfn.SendTaskSuccessInput, _ ...func(*sfn.Options)) (*sfn.SendTaskSuccessOutput, error) {
	f.success = append(f.success, in)
	return &sfn.SendTaskSuccessOutput{}, f.wrap("SendTaskSuccess")
}

func (f *fakeSFN) SendTaskFailure(ctx context.Context, in *sfn.SendTaskFailureInput, _ ...func(*sfn.Options)) (*sfn.SendTaskFailureOutput, error) {
	f.failure = append(f.failure, in)
	return &sfn.SendTaskFailureOutput{}, f.wrap("SendTaskFailure")
}

func TestSendsTokenAndOutputUnchanged(t *testing.T) {
	fake := &fakeSFN{}
	r := &sfnresolver.Resolver{Client: fake}
	token := storetest.LongToken(2048)
	if err := r.SendTaskSuccess(t.Context(), token, `{"decision":"approve"}`); err != nil {
		t.Fatal(err)
	}
	if err := r.SendTaskFailure(t.Context(), token, "ApprovalRejected", `{"decision":"reject"}`); err != nil {
		t.Fatal(err)
	}
	if len(fake.success) != 1 || *fake.success[0].TaskToken != token || *fake.success[0].Output != `{"decision":"approve"}` {
		t.Errorf("SendTaskSuccess input = %+v", fake.success)
	}
	if len(fake.failure) != 1 || *fake.failure[0].TaskToken != token || *fake.failure[0].Error != "ApprovalRejected" ||
		*fake.failure[0].Cause != `{"decision":"reject"}` {
		t.Errorf("SendTaskFailure input = %+v", fake.failure)
	}
}

func TestErrorsClassifiedByTypeName(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&types.TaskTimedOut{Message: new("Task Timed Out")}, approvals.TaskTimedOut},
		{&types.TaskDoesNotExist{Message: new("Task does not exist")}, approvals.TaskDoesNotExist},
		{&types.InvalidToken{Message: new("Invalid Token")}, approvals.InvalidToken},
		{errors.New("dial tcp: connection refused"), ""},
	}
	for _, tt := range tests {
		r := &sfnresolver.Resolver{Client: &fakeSFN{Err: tt.err}}
		err := r.SendTaskSuccess(t.Context(), "token", "{}")
		if err == nil {
			t.Fatalf("SendTaskSuccess with %T = nil, want an error", tt.err)
		}
		if got := approvals.ResolverErrorName(err); got != tt.want {
			t.Errorf("ResolverErrorName(%v) = %q, want %q", err, got, tt.want)
		}
	}
}

func TestCauseTooLong(t *testing.T) {
	fake := &fakeSFN{}
	err := (&sfnresolver.Resolver{Client: fake}).SendTaskFailure(t.Context(), "token", "ApprovalRejected", strings.Repeat("x", 40000))
	if err == nil || len(fake.failure) != 0 {
		t.Errorf("SendTaskFailure with a 40,000-byte cause = %v after %d calls, want an error before calling", err, len(fake.failure))
	}
}
