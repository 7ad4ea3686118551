package expr

import (
	"errors"
	"testing"
)

// chainOutcome is the end of a replayed execution: an output, or a failure.
type chainOutcome struct {
	output any
	err    error
}

// failState is the failure a Fail state raises; its Error is never States.*, so replays
// compare it as AWS reports it.
type failState struct{ name, cause string }

func (f *failState) Error() string { return f.name + ": " + f.cause }

// runChain interprets a JSONPath state machine made only of Pass, Choice, Succeed and Fail
// states with this package, the way the runtime is expected to combine its functions: the
// InputPath, Parameters or Result, ResultPath and OutputPath of each state, Assign after the
// state, and Choice rules.
func runChain(t *testing.T, c conformanceCase) chainOutcome {
	states, _ := c.Definition["States"].(map[string]any)
	name, _ := c.Definition["StartAt"].(string)
	executionInput := c.input(t)
	input := executionInput
	vars := map[string]any{}
	for range 100 {
		state, _ := states[name].(map[string]any)
		ctx := c.contextObject(name, executionInput)
		scope := Scope{Input: input, Context: ctx, Vars: vars}

		effective, err := applyPath(state, "InputPath", scope)
		if err != nil {
			return chainOutcome{err: err}
		}
		scope.Input = effective

		switch state["Type"] {
		case "Fail":
			return chainOutcome{err: failWith(state, scope)}
		case "Choice":
			next, assign, err := choose(state, scope)
			if err != nil {
				return chainOutcome{err: err}
			}
			if err := assignVars(assign, scope, vars); err != nil {
				return chainOutcome{err: err}
			}
			output, err := applyPath(state, "OutputPath", scope)
			if err != nil {
				return chainOutcome{err: err}
			}
			input, name = output, next
			continue
		case "Pass":
			result := effective
			if params, ok := state["Parameters"]; ok {
				if result, err = EvalTemplate(params, scope); err != nil {
					return chainOutcome{err: err}
				}
			} else if fixed, ok := state["Result"]; ok {
				result = fixed
			}
			if err := assignVars(state["Assign"], Scope{Input: result, Context: ctx, Vars: vars}, vars); err != nil {
				return chainOutcome{err: err}
			}
			if path, ok := state["ResultPath"]; !ok {
				input = result
			} else if path != nil {
				if input, err = SetResultPath(input, path.(string), result); err != nil {
					return chainOutcome{err: err}
				}
			}
		}

		output, err := applyPath(state, "OutputPath", Scope{Input: input, Context: ctx, Vars: vars})
		if err != nil {
			return chainOutcome{err: err}
		}
		if state["Type"] == "Succeed" || state["End"] == true {
			return chainOutcome{output: output}
		}
		input, name = output, state["Next"].(string)
	}
	t.Fatalf("execution did not end within 100 states")
	return chainOutcome{}
}

// applyPath applies InputPath or OutputPath: absent keeps the input, null gives {}.
func applyPath(state map[string]any, field string, s Scope) (any, error) {
	path, ok := state[field]
	if !ok {
		return s.Input, nil
	}
	if path == nil {
		return map[string]any{}, nil
	}
	return Query(path.(string), s)
}

func choose(state map[string]any, s Scope) (next string, assign any, err error) {
	choices, _ := state["Choices"].([]any)
	for _, item := range choices {
		rule := item.(map[string]any)
		matched, err := EvalChoiceRule(rule, s)
		if err != nil {
			return "", nil, err
		}
		if matched {
			return rule["Next"].(string), rule["Assign"], nil
		}
	}
	if next, ok := state["Default"].(string); ok {
		return next, state["Assign"], nil
	}
	return "", nil, &Error{Name: "States.NoChoiceMatched", Cause: "no choice rule matched and there is no Default"}
}

// assignVars evaluates an Assign template and sets the variables after the state, so that
// the expressions see the old values.
func assignVars(assign any, s Scope, vars map[string]any) error {
	if assign == nil {
		return nil
	}
	values, err := EvalTemplate(assign, s)
	if err != nil {
		return err
	}
	for k, v := range values.(map[string]any) {
		vars[k] = v
	}
	return nil
}

func failWith(state map[string]any, s Scope) error {
	fail := &failState{}
	for _, field := range []struct {
		literal, path string
		target        *string
	}{{"Error", "ErrorPath", &fail.name}, {"Cause", "CausePath", &fail.cause}} {
		if v, ok := state[field.literal].(string); ok {
			*field.target = v
		}
		if expr, ok := state[field.path].(string); ok {
			var v any
			var err error
			if isIntrinsicCall(expr) {
				v, err = EvalIntrinsic(expr, s)
			} else {
				v, err = QueryField(field.path, expr, s)
			}
			if err != nil {
				return err
			}
			*field.target, _ = v.(string)
		}
	}
	return fail
}

// TestConformanceStateChains replays the recorded JSONPath executions made only of Pass,
// Choice, Succeed and Fail states.
func TestConformanceStateChains(t *testing.T) {
	replayed := 0
	for _, c := range loadConformanceCases(t) {
		if c.Tier != "pure" || c.Definition["QueryLanguage"] == "JSONata" || !onlySimpleStates(c.Definition) {
			continue
		}
		if c.Expected.Error == "States.DataLimitExceeded" {
			continue // the runtime, not this package, limits the input size
		}
		if c.Area == "express" {
			continue // an express execution has a different context object
		}
		replayed++
		t.Run(c.ID, func(t *testing.T) {
			outcome := runChain(t, c)
			var fail *failState
			if errors.As(outcome.err, &fail) {
				if c.Expected.Status != "FAILED" || fail.name != c.Expected.Error {
					t.Fatalf("failed with %q, want status %s error %q", fail.name, c.Expected.Status, c.Expected.Error)
				}
				if cause, ok := c.Expected.Cause.(string); ok && !placeholderPattern(cause).MatchString(fail.cause) {
					t.Errorf("cause = %q, want %q", fail.cause, cause)
				}
				return
			}
			checkConformance(t, c, outcome.output, outcome.err)
		})
	}
	if replayed < 500 {
		t.Errorf("replayed %d executions, want at least 500: the case file changed shape", replayed)
	}
}

func onlySimpleStates(definition map[string]any) bool {
	states, _ := definition["States"].(map[string]any)
	for _, v := range states {
		state, _ := v.(map[string]any)
		switch state["Type"] {
		case "Pass", "Choice", "Succeed", "Fail":
		default:
			return false
		}
		if state["QueryLanguage"] == "JSONata" {
			return false
		}
	}
	return true
}
