package expr

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	jsonata "github.com/xiatechs/jsonata-go"
)

// jsonataExpr is a compiled JSONata expression together with the text AWS quotes in errors.
type jsonataExpr struct {
	text      string // the expression between "{%" and "%}", trimmed
	compiled  *jsonata.Expr
	instances sync.Pool // of *jsonataInstance
}

// jsonataInstance is a copy of a compiled expression with the AWS functions registered,
// used by one evaluation at a time. The library keeps variables in the expression itself,
// so concurrent evaluations need separate copies.
type jsonataInstance struct {
	expr  jsonata.Expr
	bound map[string]bool // names of the variables registered so far
}

// instance returns a copy of the expression ready to evaluate with the given variables.
func (e *jsonataExpr) instance(bindings map[string]any) (*jsonataInstance, error) {
	if pooled, ok := e.instances.Get().(*jsonataInstance); ok && pooled.binds(bindings) {
		if err := pooled.expr.RegisterVars(bindings); err != nil {
			return nil, err
		}
		return pooled, nil
	}
	inst := &jsonataInstance{expr: *e.compiled, bound: make(map[string]bool, len(bindings))}
	if err := inst.expr.RegisterExts(awsJSONataFunctions); err != nil {
		return nil, err
	}
	if err := inst.expr.RegisterVars(bindings); err != nil {
		return nil, err
	}
	for name := range bindings {
		inst.bound[name] = true
	}
	return inst, nil
}

// binds reports whether the instance can take these variables: the library cannot remove a
// variable, so an instance is reused only when it has no variable that bindings lacks.
func (inst *jsonataInstance) binds(bindings map[string]any) bool {
	if len(inst.bound) != len(bindings) {
		return false
	}
	for name := range bindings {
		if !inst.bound[name] {
			return false
		}
	}
	return true
}

var jsonataCache sync.Map // string -> jsonataCacheEntry

type jsonataCacheEntry struct {
	expr *jsonataExpr
	err  error
}

// jsonataText returns the expression inside "{% ... %}", or false when s is a literal string.
func jsonataText(s string) (string, bool) {
	if len(s) < 4 || !strings.HasPrefix(s, "{%") || !strings.HasSuffix(s, "%}") {
		return "", false
	}
	return strings.TrimSpace(s[2 : len(s)-2]), true
}

// NOTE: a copy of a compiled expression shares its function and variable registry with the
// original when that registry is not empty, which happens only after a call of the library's
// package-level jsonata.RegisterExts or RegisterVars. Instances are independent, and so safe
// for concurrent use, only while nothing in the process makes such a call.
func compileJSONata(text string) (*jsonataExpr, error) {
	if entry, ok := jsonataCache.Load(text); ok {
		e := entry.(jsonataCacheEntry)
		return e.expr, e.err
	}
	var expr *jsonataExpr
	compiled, err := compileJSONataSafely(text)
	if err == nil {
		expr = &jsonataExpr{text: text, compiled: compiled}
	} else {
		err = fmt.Errorf("invalid JSONata expression %q: %v", text, err)
	}
	jsonataCache.Store(text, jsonataCacheEntry{expr: expr, err: err})
	return expr, err
}

// compileJSONataSafely parses with the library's JSONata 1.x grammar and turns a panic of
// the parser into an error, so that no definition can crash the process.
// NOTE: JSONata 2.x syntax that AWS accepts, such as the ?? and ?: operators, fails to parse
// here, and the $assert function is missing.
func compileJSONataSafely(text string) (compiled *jsonata.Expr, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("parser failure: %v", r)
		}
	}()
	if text == "" {
		return nil, errors.New("the expression is empty")
	}
	compiled, err = jsonata.Compile(text)
	if err != nil {
		return nil, err
	}
	return compiled, guardLambdas(compiled)
}

// ValidateJSONataTemplate checks every "{% expression %}" string in v, which may be a
// string, or an object or array holding such strings at any depth.
func ValidateJSONataTemplate(v any) error {
	return walkJSONataTemplate(v, "", func(text, field string) error {
		if _, err := compileJSONata(text); err != nil {
			if field != "" {
				return fmt.Errorf("field %q: %w", field, err)
			}
			return err
		}
		return nil
	})
}

func walkJSONataTemplate(v any, field string, visit func(text, field string) error) error {
	switch x := v.(type) {
	case string:
		if text, ok := jsonataText(x); ok {
			return visit(text, field)
		}
	case map[string]any:
		for _, k := range sortedKeys(x) {
			if err := walkJSONataTemplate(x[k], joinField(field, k), visit); err != nil {
				return err
			}
		}
	case []any:
		for i, item := range x {
			if err := walkJSONataTemplate(item, joinField(field, fmt.Sprint(i)), visit); err != nil {
				return err
			}
		}
	}
	return nil
}

func joinField(parent, child string) string {
	if parent == "" {
		return child
	}
	return parent + "/" + child
}

// EvalJSONataTemplate evaluates every "{% expression %}" string in v, recursively in objects
// and arrays; other values are copied as they are. Errors are States.QueryEvaluationError,
// with the field named by its path inside v, such as 'result' or 'list/0'.
func EvalJSONataTemplate(v any, s JSONataScope) (any, error) {
	return EvalJSONataField("", v, s)
}

// EvalJSONataField is EvalJSONataTemplate for the value of the state field named field, such
// as "Output" or "Assign". Causes then name the field as AWS does, for example 'Output/result'.
func EvalJSONataField(field string, v any, s JSONataScope) (any, error) {
	return evalJSONataValue(v, field, jsonataBindings(s))
}

func evalJSONataValue(v any, field string, bindings map[string]any) (any, error) {
	switch x := v.(type) {
	case string:
		text, ok := jsonataText(x)
		if !ok {
			return x, nil
		}
		return evalJSONataExpr(text, field, bindings)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			value, err := evalJSONataValue(item, joinField(field, k), bindings)
			if err != nil {
				return nil, err
			}
			out[k] = value
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			value, err := evalJSONataValue(item, joinField(field, fmt.Sprint(i)), bindings)
			if err != nil {
				return nil, err
			}
			out[i] = value
		}
		return out, nil
	}
	return v, nil
}

// jsonataBindings returns the variables an expression can read: $states and the workflow
// variables.
func jsonataBindings(s JSONataScope) map[string]any {
	bindings := make(map[string]any, len(s.Vars)+1)
	for name, value := range s.Vars {
		bindings[name] = toJSONataValue(value)
	}
	states := make(map[string]any, len(s.States))
	for k, value := range s.States {
		states[k] = toJSONataValue(value)
	}
	bindings["states"] = states
	return bindings
}

func queryError(text, field, detail string) error {
	where := ""
	if field != "" {
		where = fmt.Sprintf(" specified for the field '%s'", field)
	}
	return &Error{Name: ErrQueryEvaluationError, Cause: fmt.Sprintf("The JSONata expression '%s'%s %s", text, where, detail)}
}

func evalJSONataExpr(text, field string, bindings map[string]any) (any, error) {
	expr, err := compileJSONata(text)
	if err != nil {
		return nil, queryError(text, field, "could not be parsed. "+err.Error())
	}
	inst, err := expr.instance(bindings)
	if err != nil {
		return nil, queryError(text, field, "threw an error during evaluation. "+err.Error())
	}
	result, err := evalJSONataSafely(&inst.expr)
	expr.instances.Put(inst)
	if errors.Is(err, jsonata.ErrUndefined) {
		return nil, queryError(text, field, "returned nothing (undefined).")
	}
	if err != nil {
		return nil, queryError(text, field, "threw an error during evaluation. "+jsonataErrorText(err))
	}
	value, ok := toJSONValue(result)
	if !ok {
		return nil, queryError(text, field, "returned an unsupported result type.")
	}
	return value, nil
}

// evalJSONataSafely evaluates and turns a panic of the library into an error.
func evalJSONataSafely(e *jsonata.Expr) (result any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("evaluation failure: %v", r)
		}
	}()
	return e.Eval(nil)
}

// jsonataErrorText gives a library error the JSONata error code AWS reports, where the
// library's error type maps to one.
func jsonataErrorText(err error) string {
	if errors.Is(err, errJSONataStackOverflow) || strings.Contains(err.Error(), errJSONataStackOverflow.Error()) {
		return errJSONataStackOverflow.Error()
	}
	var evalErr *jsonata.EvalError
	if errors.As(err, &evalErr) {
		switch evalErr.Type {
		case jsonata.ErrNonCallable, jsonata.ErrNonCallableApply, jsonata.ErrNonCallablePartial:
			return "T1006: Attempted to invoke a non-function"
		case jsonata.ErrNonNumberLHS:
			return "T2001: The left side of the arithmetic expression is not a number"
		case jsonata.ErrNonNumberRHS:
			return "T2002: The right side of the arithmetic expression is not a number"
		}
	}
	return err.Error()
}
