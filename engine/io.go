package engine

import (
	"errors"

	"github.com/secamo/orchestrator/asl"
	"github.com/secamo/orchestrator/asl/expr"
)

// asFailure converts an expr error into the Failure the state fails with.
func asFailure(err error) *Failure {
	if err == nil {
		return nil
	}
	var ee *expr.Error
	if errors.As(err, &ee) {
		return &Failure{Name: ee.Name, Cause: ee.Cause}
	}
	return failf(asl.ErrorRuntime, err.Error())
}

func (th *thread) scope(input any, ctxObj map[string]any) expr.Scope {
	return expr.Scope{Input: input, Context: ctxObj, Vars: th.vars}
}

// inputPath applies InputPath: absent keeps the input, null gives {}.
func (th *thread) inputPath(p asl.Path, raw any, ctxObj map[string]any) (any, *Failure) {
	switch {
	case !p.Set:
		return raw, nil
	case p.Null:
		return map[string]any{}, nil
	}
	v, err := expr.Query(p.Value, th.scope(raw, ctxObj))
	return v, asFailure(err)
}

// outputPath applies OutputPath: absent keeps the value, null gives {}.
func (th *thread) outputPath(p asl.Path, v any, ctxObj map[string]any) (any, *Failure) {
	switch {
	case !p.Set:
		return v, nil
	case p.Null:
		return map[string]any{}, nil
	}
	out, err := expr.Query(p.Value, th.scope(v, ctxObj))
	return out, asFailure(err)
}

// resultPath applies ResultPath: absent replaces the input with the result, null keeps the input.
func resultPath(raw any, p asl.Path, result any) (any, *Failure) {
	switch {
	case !p.Set:
		return result, nil
	case p.Null:
		return raw, nil
	}
	out, err := expr.SetResultPath(raw, p.Value, result)
	return out, asFailure(err)
}

// template evaluates a JSONPath payload template (Parameters, ResultSelector, ItemSelector).
func (th *thread) template(tpl any, input any, ctxObj map[string]any) (any, *Failure) {
	v, err := expr.EvalTemplate(tpl, th.scope(input, ctxObj))
	return v, asFailure(err)
}

// pathAssign evaluates a JSONPath Assign object with $ bound to input.
func (th *thread) pathAssign(assign map[string]any, input any, ctxObj map[string]any) (map[string]any, *Failure) {
	if assign == nil {
		return nil, nil
	}
	v, fail := th.template(assign, input, ctxObj)
	if fail != nil {
		return nil, fail
	}
	m, _ := v.(map[string]any)
	return m, nil
}

// states builds the $states binding of a JSONata state: its input and context.
func (th *thread) states(run *stateRun, input any) map[string]any {
	return map[string]any{"input": input, "context": th.contextObject(run)}
}

func (th *thread) jsonata(v any, states map[string]any) (any, *Failure) {
	out, err := expr.EvalJSONataTemplate(v, expr.JSONataScope{States: states, Vars: th.vars})
	return out, asFailure(err)
}

func (th *thread) jsonataAssign(assign map[string]any, states map[string]any) (map[string]any, *Failure) {
	if assign == nil {
		return nil, nil
	}
	v, fail := th.jsonata(assign, states)
	if fail != nil {
		return nil, fail
	}
	m, _ := v.(map[string]any)
	return m, nil
}

// finishJSONata evaluates a JSONata state's Assign and Output once $states holds the result;
// out is the output when the state has no Output field.
func (th *thread) finishJSONata(run *stateRun, states map[string]any, out any, next string) (outcome, *Failure) {
	res := outcome{out: out, next: next}
	assign, fail := th.jsonataAssign(run.st.Assign, states)
	if fail != nil {
		return res, fail
	}
	res.assign = assign
	if run.st.HasOutput {
		res.out, fail = th.jsonata(run.st.Output, states)
	}
	return res, fail
}

// queryPath evaluates a reference path such as SecondsPath against input.
func (th *thread) queryPath(path string, input any, ctxObj map[string]any) (any, *Failure) {
	v, err := expr.Query(path, th.scope(input, ctxObj))
	return v, asFailure(err)
}
