package store

import "fmt"

// The error types of the store. Where Step Functions has an error for the same case, the
// type has its name, so the engine can return the store's error as it is.

// SchemaTooNew is returned by Open for a database written by a newer orchestrator.
type SchemaTooNew struct {
	Version, Supported int
}

func (e *SchemaTooNew) Error() string {
	return fmt.Sprintf("database schema version %d is newer than version %d that this program supports: upgrade the orchestrator or use another database file", e.Version, e.Supported)
}

// ExecutionAlreadyExists is returned by CreateExecution for a name that is taken by an
// execution with a different input or one that has stopped.
type ExecutionAlreadyExists struct{ ARN string }

func (e *ExecutionAlreadyExists) Error() string {
	return fmt.Sprintf("execution %q already exists with a different input or has stopped: choose another name", e.ARN)
}

// ExecutionDoesNotExist is returned for an unknown execution ARN.
type ExecutionDoesNotExist struct{ ARN string }

func (e *ExecutionDoesNotExist) Error() string {
	return fmt.Sprintf("execution %q does not exist", e.ARN)
}

// StateMachineDoesNotExist is returned for an unknown state machine ARN.
type StateMachineDoesNotExist struct{ ARN string }

func (e *StateMachineDoesNotExist) Error() string {
	return fmt.Sprintf("state machine %q does not exist; create it first", e.ARN)
}

// TaskDoesNotExist is returned for a task token that is not pending.
type TaskDoesNotExist struct{}

func (e *TaskDoesNotExist) Error() string {
	return "no task is waiting for this task token; it finished, timed out or never existed"
}

// InvalidToken is returned for a paging token that this store did not issue for the same
// request.
type InvalidToken struct{ Reason string }

func (e *InvalidToken) Error() string {
	return fmt.Sprintf("invalid next token: %s; pass the token from the previous page of the same request", e.Reason)
}

// ExecutionNotRunning is returned by Commit for an execution that has already stopped.
type ExecutionNotRunning struct {
	ARN, Status string
}

func (e *ExecutionNotRunning) Error() string {
	return fmt.Sprintf("execution %q is %s: a stopped execution takes no further transitions", e.ARN, e.Status)
}

// HistoryGap is returned by Commit when the step's events do not continue the execution's
// history exactly: the engine must commit the events of one execution in id order.
type HistoryGap struct {
	ARN           string
	LastID, GotID int64
	Reason        string
}

func (e *HistoryGap) Error() string {
	return fmt.Sprintf("history of execution %q ends at event %d, but the step brings event %d: %s", e.ARN, e.LastID, e.GotID, e.Reason)
}

// InvalidStep is returned by Commit for a step that is malformed, such as a thread path that
// does not parse; nothing of it is written.
type InvalidStep struct{ Reason string }

func (e *InvalidStep) Error() string {
	return "invalid step: " + e.Reason
}
