package expr

import "errors"

// Scope is what a JSONPath expression can read.
type Scope struct {
	Input   any            // "$": the state's effective input
	Context any            // "$$": the context object
	Vars    map[string]any // "$name": workflow variables
}

// Error is an evaluation failure carrying the AWS error name the state fails with:
// "States.Runtime" (missing path, bad type), "States.IntrinsicFailure",
// "States.QueryEvaluationError" (JSONata), and the cause text AWS would give.
type Error struct{ Name, Cause string }

func (e *Error) Error() string { return e.Name + ": " + e.Cause }

// JSONataScope is what a JSONata expression can read.
type JSONataScope struct {
	States map[string]any // bound as $states: {"input", "context", and where defined "result", "errorOutput"}
	Vars   map[string]any // bound as $name
}

var errNotImplemented = errors.New("not implemented")

func ValidatePath(path string) error          { return errNotImplemented }
func ValidateReferencePath(path string) error { return errNotImplemented }
func Query(path string, s Scope) (any, error) { return nil, errNotImplemented }
func SetResultPath(input any, path string, result any) (any, error) {
	return nil, errNotImplemented
}
func ValidateTemplate(tpl any) error                  { return errNotImplemented }
func EvalTemplate(tpl any, s Scope) (any, error)      { return nil, errNotImplemented }
func ValidateIntrinsic(call string) error             { return errNotImplemented }
func EvalIntrinsic(call string, s Scope) (any, error) { return nil, errNotImplemented }
func ValidateChoiceRule(rule map[string]any) error    { return errNotImplemented }
func EvalChoiceRule(rule map[string]any, s Scope) (bool, error) {
	return false, errNotImplemented
}
func ValidateJSONataTemplate(v any) error { return errNotImplemented }
func EvalJSONataTemplate(v any, s JSONataScope) (any, error) {
	return nil, errNotImplemented
}
