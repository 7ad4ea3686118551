package expr

// Names of the errors a state fails with when an expression cannot be evaluated.
const (
	ErrRuntime              = "States.Runtime"
	ErrIntrinsicFailure     = "States.IntrinsicFailure"
	ErrQueryEvaluationError = "States.QueryEvaluationError"
)

// Error is an evaluation failure carrying the AWS error name the state fails with:
// "States.Runtime" (missing path, bad type), "States.IntrinsicFailure",
// "States.QueryEvaluationError" (JSONata), and the cause text AWS would give.
type Error struct{ Name, Cause string }

func (e *Error) Error() string { return e.Name + ": " + e.Cause }

var _ error = (*Error)(nil)
