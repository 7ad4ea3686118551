package store

import (
	"encoding/json"
	"time"
)

// Execution statuses, as the Step Functions API reports them.
const (
	StatusRunning   = "RUNNING"
	StatusSucceeded = "SUCCEEDED"
	StatusFailed    = "FAILED"
	StatusTimedOut  = "TIMED_OUT"
	StatusAborted   = "ABORTED"
)

// StateMachine is a registered state machine. Definition is the text after its ${Name}
// placeholders were filled from Substitutions.
type StateMachine struct {
	ARN           string
	Name          string
	Definition    string
	Substitutions map[string]string
	CreatedAt     time.Time
}

// Execution is one execution, like DescribeExecution returns it.
type Execution struct {
	ARN             string
	Name            string
	StateMachineARN string
	Input           string // JSON text
	Status          string
	Output          string // JSON text; set when Status is SUCCEEDED
	Error           string // set when Status is FAILED, TIMED_OUT or ABORTED
	Cause           string
	StartedAt       time.Time
	StoppedAt       time.Time // zero while RUNNING
	// LastEventID is the id of the execution's last history event, 0 before the first.
	LastEventID int64
	// ParentToken is the task token of the startExecution.sync or .sync:2 task waiting for
	// this child execution, and SyncPattern is "sync" or "sync:2". CreateExecution and
	// LinkParent write them; only RunningExecutions reads them back.
	ParentToken string
	SyncPattern string
	// ParentExecution is the ARN of the execution whose startExecution task started this
	// one, "" for one started through the API. CreateExecution writes it and
	// Store.ParentExecution reads it.
	ParentExecution string
}

// Event is one history event. Details is the JSON object that the API shows under the
// event type's details key, or nil.
type Event struct {
	ID              int64
	PreviousEventID int64
	Timestamp       time.Time
	Type            string
	Details         json.RawMessage
}

// Checkpoint is the position of one running thread between two transitions.
type Checkpoint struct {
	// Thread is the path of the thread: "" for the top level, "Map:3" for iteration 3 of
	// the Map state the top level is in, "Map:3/Parallel:1" for branch 1 of a Parallel
	// state inside it. A thread is in one state at a time, so the path needs no state names.
	Thread string
	// Position is the engine's position as JSON (state, effective input, variables); the
	// store keeps it as it is.
	Position json.RawMessage
	// Retries counts the attempts per Retrier of the current state.
	Retries []int
	// EnteredEventID is the id of the StateEntered event of the current state, 0 when the
	// position is between two states.
	EnteredEventID int64
	// LastEventID is the id of the last event this thread recorded, the PreviousEventID of
	// its next event.
	LastEventID int64
	UpdatedAt   time.Time
}

// BranchResult is the outcome of a finished Map iteration or Parallel branch, kept until
// the enclosing state ends so a restart does not run the iteration again.
type BranchResult struct {
	// Thread is the path of the finished iteration or branch, such as "Map:3".
	Thread string
	Output json.RawMessage // the result; nil when the iteration failed
	Error  string
	Cause  string
}

// Token is a task token that a task is waiting on. A zero deadline means none.
type Token struct {
	Token             string
	ExecutionARN      string
	Thread            string
	Deadline          time.Time // TimeoutSeconds of the task
	HeartbeatDeadline time.Time // the last heartbeat plus HeartbeatSeconds
}

// Timer is a Wait state or retry interval of a thread, which resumes at FireAt.
type Timer struct {
	ExecutionARN string
	Thread       string
	FireAt       time.Time
}

// ExecutionEnd closes an execution in the Commit that records its last event.
type ExecutionEnd struct {
	Status    string // SUCCEEDED, FAILED, TIMED_OUT or ABORTED
	Output    string
	Error     string
	Cause     string
	StoppedAt time.Time
}

// Step is everything one transition of a thread changes. Commit writes it in one
// transaction. Fields left empty change nothing.
type Step struct {
	ExecutionARN string
	// Events are the new history events, with ids that continue the execution's history.
	Events []Event
	// Checkpoint replaces the checkpoint of Checkpoint.Thread.
	Checkpoint *Checkpoint
	// EndThreads removes the checkpoints, branch results, tokens and timers of these
	// threads and of every thread under them: pass a finished iteration or branch.
	EndThreads []string
	// EndChildren does the same for the threads strictly under these threads, and drops
	// their branch results: pass a thread whose Map or Parallel state ended.
	EndChildren []string
	// Results records finished iterations and branches.
	Results []BranchResult
	// AddTokens registers task tokens; RemoveTokens drops them once their task has an
	// outcome, and Heartbeats move heartbeat deadlines of pending tokens.
	AddTokens    []Token
	RemoveTokens []string
	Heartbeats   []Token
	// SetTimers adds or moves timers; RemoveTimers drops the timers of these threads.
	SetTimers    []Timer
	RemoveTimers []string
	// End closes the execution and drops all its checkpoints, results, tokens and timers.
	End *ExecutionEnd
}
