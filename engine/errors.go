package engine

import (
	"reflect"
)

// API errors, named as the Step Functions API names them so callers can match them the same
// way against either runtime.
type (
	// ExecutionAlreadyExists: an execution with that name exists with a different input.
	ExecutionAlreadyExists struct{ Message string }
	// ExecutionDoesNotExist: no execution has the given ARN.
	ExecutionDoesNotExist struct{ Message string }
	// StateMachineDoesNotExist: no state machine has the given ARN.
	StateMachineDoesNotExist struct{ Message string }
	// InvalidDefinition: the definition failed validation; Problems lists every problem.
	InvalidDefinition struct {
		Message  string
		Problems []string
	}
	// TaskDoesNotExist: the task token is not waiting any more.
	TaskDoesNotExist struct{ Message string }
	// TaskTimedOut: the task behind the token timed out.
	TaskTimedOut struct{ Message string }
	// InvalidToken: the task token is malformed or unknown.
	InvalidToken struct{ Message string }
	// InvalidOutput: the output sent with a task token is not JSON.
	InvalidOutput struct{ Message string }
	// InvalidName: an execution or state machine name is empty or too long.
	InvalidName struct{ Message string }
	// InvalidExecutionInput: the execution input is not JSON.
	InvalidExecutionInput struct{ Message string }
)

func (e *ExecutionAlreadyExists) Error() string   { return e.Message }
func (e *ExecutionDoesNotExist) Error() string    { return e.Message }
func (e *StateMachineDoesNotExist) Error() string { return e.Message }
func (e *InvalidDefinition) Error() string        { return e.Message }
func (e *TaskDoesNotExist) Error() string         { return e.Message }
func (e *TaskTimedOut) Error() string             { return e.Message }
func (e *InvalidToken) Error() string             { return e.Message }
func (e *InvalidOutput) Error() string            { return e.Message }
func (e *InvalidName) Error() string              { return e.Message }
func (e *InvalidExecutionInput) Error() string    { return e.Message }

// Failure is an error inside an execution: the ASL error name that Retry and Catch match, and
// its cause.
type Failure struct {
	Name  string
	Cause string
}

func (f *Failure) Error() string {
	if f.Cause == "" {
		return f.Name
	}
	return f.Name + ": " + f.Cause
}

func failf(name, cause string) *Failure { return &Failure{Name: name, Cause: cause} }

// errorTypeName returns the error name the AWS Lambda Go runtime reports for err: the name of
// its dynamic type, without the pointer star. Only the outermost error counts, as in the runtime.
func errorTypeName(err error) string {
	t := reflect.TypeOf(err)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Name() == "" {
		return t.String()
	}
	return t.Name()
}

// panicTypeName names a panic value the way errorTypeName names an error.
func panicTypeName(v any) string {
	if err, ok := v.(error); ok {
		return errorTypeName(err)
	}
	if v == nil {
		return "nil"
	}
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Name() == "" {
		return t.String()
	}
	return t.Name()
}
