package expr

import "strings"

// ChoiceRule is a JSONPath Choice rule prepared once for repeated evaluation: its paths are
// parsed and its operator looked up, so Eval only reads the input and compares. It evaluates
// exactly as EvalChoiceRule does on the same rule. A rule it cannot prepare, one that
// validation would reject, goes to EvalChoiceRule, errors included.
type ChoiceRule struct {
	source   map[string]any
	prepared bool
	kind     string // "And", "Or", "Not" or "" for a comparison

	list []*ChoiceRule // the rules of an And or Or
	not  *ChoiceRule

	variable     *compiledPath
	op           string
	expected     any
	expectedPath *compiledPath  // for the *Path operators
	typeTest     func(any) bool // for the Is* operators
	isPresent    bool           // for IsPresent
	want         bool           // the boolean of IsPresent and Is*
}

// CompileChoiceRule prepares rule for Eval.
func CompileChoiceRule(rule map[string]any) *ChoiceRule {
	r := &ChoiceRule{source: rule}
	r.prepared = r.prepare()
	return r
}

func (r *ChoiceRule) prepare() bool {
	rule := r.source
	for _, kind := range []string{"And", "Or"} {
		if list, ok := rule[kind].([]any); ok {
			r.kind = kind
			r.list, ok = compileList(list)
			return ok
		}
	}
	if inner, ok := rule["Not"]; ok {
		m, ok := inner.(map[string]any)
		if !ok {
			return false
		}
		r.kind, r.not = "Not", CompileChoiceRule(m)
		return r.not.prepared
	}
	return r.prepareComparison()
}

// compileList prepares the rules of an And or Or; ok is false when one cannot be prepared.
func compileList(list []any) ([]*ChoiceRule, bool) {
	out := make([]*ChoiceRule, 0, len(list))
	for _, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, false
		}
		c := CompileChoiceRule(m)
		if !c.prepared {
			return nil, false
		}
		out = append(out, c)
	}
	return out, true
}

func (r *ChoiceRule) prepareComparison() bool {
	ops := 0
	for k, v := range r.source {
		if !choiceMetaFields[k] && k != "Variable" {
			ops++
			r.op, r.expected = k, v
		}
	}
	variable, isString := r.source["Variable"].(string)
	if ops != 1 || !isString {
		return false
	}
	var err error
	if r.variable, err = compilePath(variable); err != nil {
		return false
	}
	if r.op == "IsPresent" || choiceTypeTests[r.op] != nil {
		r.want, isString = r.expected.(bool)
		r.isPresent, r.typeTest = r.op == "IsPresent", choiceTypeTests[r.op]
		return isString
	}
	if base, isPath := strings.CutSuffix(r.op, "Path"); isPath && base != "StringMatches" {
		if _, known := choiceComparisons[base]; known {
			path, ok := r.expected.(string)
			if !ok {
				return false
			}
			if r.expectedPath, err = compilePath(path); err != nil {
				return false
			}
			r.op = base
		}
	}
	_, known := choiceComparisons[r.op]
	return known
}

// Eval reports whether the rule matches in scope s.
func (r *ChoiceRule) Eval(s Scope) (bool, error) {
	switch {
	case !r.prepared:
		return EvalChoiceRule(r.source, s)
	case r.kind == "And":
		for _, c := range r.list {
			if matched, err := c.Eval(s); err != nil || !matched {
				return false, err
			}
		}
		return true, nil
	case r.kind == "Or":
		for _, c := range r.list {
			if matched, err := c.Eval(s); err != nil || matched {
				return matched, err
			}
		}
		return false, nil
	case r.kind == "Not":
		matched, err := r.not.Eval(s)
		return !matched && err == nil, err
	}
	v, err := r.variable.query(s)
	switch {
	case r.isPresent:
		return (err == nil) == r.want, nil
	case err != nil:
		return false, err
	case r.typeTest != nil:
		return r.typeTest(v) == r.want, nil
	}
	expected := r.expected
	if r.expectedPath != nil {
		if expected, err = r.expectedPath.query(s); err != nil {
			return false, err
		}
	}
	return compareChoice(r.op, v, expected), nil
}
