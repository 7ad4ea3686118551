package approvals

import (
	"context"
	"errors"
	"reflect"
	"time"
)

// TaskResolver resumes a workflow waiting on a task token. The local engine and the AWS
// implementation (approvals/sfnresolver) both satisfy it. Their errors are classified by the
// Go type name of any error in the chain: TaskDoesNotExist, TaskTimedOut or InvalidToken,
// which are the names the engine and the Step Functions API (types.TaskTimedOut and so on) use.
type TaskResolver interface {
	SendTaskSuccess(ctx context.Context, token, output string) error
	SendTaskFailure(ctx context.Context, token, errorName, cause string) error
}

// Names of the resolver errors that mean the workflow no longer waits for this token.
const (
	TaskDoesNotExist = "TaskDoesNotExist"
	TaskTimedOut     = "TaskTimedOut"
	InvalidToken     = "InvalidToken"
)

// RejectedErrorName is the error name SendTaskFailure reports for a rejection; the workflow
// catches it with ErrorEquals ["ApprovalRejected"].
const RejectedErrorName = "ApprovalRejected"

// ResolverErrorName returns TaskDoesNotExist, TaskTimedOut or InvalidToken when an error of a
// type with that name (pointer or not) is in err's chain, and "" otherwise.
func ResolverErrorName(err error) string {
	queue := []error{err}
	for len(queue) > 0 {
		e := queue[0]
		queue = queue[1:]
		if e == nil {
			continue
		}
		t := reflect.TypeOf(e)
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch name := t.Name(); name {
		case TaskDoesNotExist, TaskTimedOut, InvalidToken:
			return name
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			queue = append(queue, u.Unwrap())
		case interface{ Unwrap() []error }:
			queue = append(queue, u.Unwrap()...)
		}
	}
	return ""
}

// Result is the JSON the workflow receives: the task output on approval, the cause of the
// ApprovalRejected failure on rejection.
type Result struct {
	Decision   Decision  `json:"decision"`
	Approver   string    `json:"approver"`
	Comment    string    `json:"comment"`
	DecidedAt  time.Time `json:"decidedAt"`
	ApprovalID string    `json:"approvalId"`
	Level      int       `json:"level"`
	Via        string    `json:"via"`
}

// Clock returns the current time; tests inject a fixed or advancing one.
type Clock interface {
	Now() time.Time
}

// SystemClock reads the system time.
type SystemClock struct{}

// Now implements Clock.
func (SystemClock) Now() time.Time { return time.Now() }

// NotWaitingError is returned when a decision was stored but the workflow no longer waits
// for it: the task timed out (Name is TaskTimedOut), finished, or the token is unknown.
type NotWaitingError struct {
	Name   string
	Record Record
}

func (e *NotWaitingError) Error() string {
	return "approval " + e.Record.ID + ": the workflow no longer waits for a decision (" + e.Name + ")"
}

// ErrDeliveryPending means the decision was stored but could not be passed to the workflow
// yet; Service.DeliverPending retries it.
var ErrDeliveryPending = errors.New("decision stored, workflow not resumed yet")
