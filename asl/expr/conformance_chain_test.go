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

// failState is the failure a Fail state raises, with the Error and Cause the state names.
type failState struct{ name, cause string }

func (f *failState) Error() string { return f.name + ": " + f.cause }

// runChain interprets a state machine made only of Pass, Choice, Succeed and Fail states with
// this package, the way the runtime is expected to combine its functions. A JSONPath state
// applies InputPath, Parameters or Result, ResultPath and OutputPath; a JSONata state applies
// Output. Both apply Assign after the state and choose with their own kind of Choice rule.
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
		if queryLanguage(c.Definition, state) == "JSONata" {
			output, next, err := runJSONataState(state, scope)
			if err != nil || next == "" {
				return chainOutcome{output: output, err: err}
			}
			input, name = output, next
			continue
		}

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

func queryLanguage(definition, state map[string]any) string {
	if ql, ok := state["QueryLanguage"].(string); ok {
		return ql
	}
	if ql, ok := definition["QueryLanguage"].(string); ok {
		return ql
	}
	return "JSONPath"
}

// runJSONataState runs one JSONata Pass, Choice, Succeed or Fail state and returns its output
// and the next state's name, which is empty when the execution ends.
func runJSONataState(state map[string]any, s Scope) (output any, next string, err error) {
	scope := JSONataScope{States: map[string]any{"input": s.Input, "context": s.Context}, Vars: s.Vars}
	outputTemplate, hasOutput := state["Output"]
	assign := state["Assign"]
	next, _ = state["Next"].(string)

	switch state["Type"] {
	case "Fail":
		fail := &failState{}
		for field, target := range map[string]*string{"Error": &fail.name, "Cause": &fail.cause} {
			v, err := EvalJSONataField(field, state[field], scope)
			if err != nil {
				return nil, "", err
			}
			*target, _ = v.(string)
		}
		return nil, "", fail
	case "Choice":
		next, outputTemplate, hasOutput, assign, err = chooseJSONata(state, scope)
		if err != nil {
			return nil, "", err
		}
	}

	if state["End"] == true || state["Type"] == "Succeed" {
		next = ""
	}
	output = s.Input
	if hasOutput {
		if output, err = EvalJSONataField("Output", outputTemplate, scope); err != nil {
			return nil, "", err
		}
	}
	if assign != nil {
		values, err := EvalJSONataField("Assign", assign, scope)
		if err != nil {
			return nil, "", err
		}
		for k, v := range values.(map[string]any) {
			s.Vars[k] = v
		}
	}
	return output, next, nil
}

// chooseJSONata picks the first Choice rule whose Condition is true, or the Default, and
// returns the Output and Assign of what it picked.
func chooseJSONata(state map[string]any, scope JSONataScope) (next string, output any, hasOutput bool, assign any, err error) {
	choices, _ := state["Choices"].([]any)
	for _, item := range choices {
		rule := item.(map[string]any)
		matched, err := EvalJSONataField("Condition", rule["Condition"], scope)
		if err != nil {
			return "", nil, false, nil, err
		}
		if matched == true {
			output, hasOutput = rule["Output"]
			return rule["Next"].(string), output, hasOutput, rule["Assign"], nil
		}
	}
	if next, ok := state["Default"].(string); ok {
		output, hasOutput = state["Output"]
		return next, output, hasOutput, state["Assign"], nil
	}
	return "", nil, false, nil, &Error{Name: "States.NoChoiceMatched", Cause: "no choice rule matched and there is no Default"}
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

// TestConformanceStateChains replays the recorded executions made only of Pass, Choice,
// Succeed and Fail states, in JSONPath and JSONata.
func TestConformanceStateChains(t *testing.T) {
	replayed := 0
	for _, c := range loadConformanceCases(t) {
		if c.Tier != "pure" || !onlySimpleStates(c.Definition) {
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
	}
	return true
}
