package expr

import "strings"

// EvalChoiceRule reports whether a JSONPath Choice rule matches. Values of a type the
// operator does not take compare false. A Variable path that does not resolve is a
// States.Runtime error, except under IsPresent, which then is false.
func EvalChoiceRule(rule map[string]any, s Scope) (bool, error) {
	if err := ValidateChoiceRule(rule); err != nil {
		return false, &Error{Name: ErrRuntime, Cause: "invalid choice rule: " + err.Error()}
	}
	return evalChoiceRule(rule, s)
}

// evalChoiceRule evaluates a rule that ValidateChoiceRule accepted.
func evalChoiceRule(rule map[string]any, s Scope) (bool, error) {
	if list, ok := rule["And"].([]any); ok {
		for _, item := range list {
			matched, err := evalChoiceRule(item.(map[string]any), s)
			if err != nil || !matched {
				return false, err
			}
		}
		return true, nil
	}
	if list, ok := rule["Or"].([]any); ok {
		for _, item := range list {
			matched, err := evalChoiceRule(item.(map[string]any), s)
			if err != nil || matched {
				return matched, err
			}
		}
		return false, nil
	}
	if inner, ok := rule["Not"].(map[string]any); ok {
		matched, err := evalChoiceRule(inner, s)
		return !matched && err == nil, err
	}

	op, expected, found := comparisonOf(rule)
	variable, isString := rule["Variable"].(string)
	if !found || !isString {
		return false, &Error{Name: ErrRuntime, Cause: "invalid choice rule: it needs a Variable and a comparison operator"}
	}
	if op == "IsPresent" {
		_, err := Query(variable, s)
		return (err == nil) == expected.(bool), nil
	}
	v, err := Query(variable, s)
	if err != nil {
		return false, err
	}
	if test := choiceTypeTests[op]; test != nil {
		return test(v) == expected.(bool), nil
	}
	if base, isPath := strings.CutSuffix(op, "Path"); isPath {
		if _, known := choiceComparisons[base]; known {
			op = base
			if expected, err = Query(expected.(string), s); err != nil {
				return false, err
			}
		}
	}
	return compareChoice(op, v, expected), nil
}

// comparisonOf returns the operator of a comparison rule and its value.
func comparisonOf(rule map[string]any) (op string, value any, found bool) {
	for k, v := range rule {
		if !choiceMetaFields[k] && k != "Variable" {
			return k, v, true
		}
	}
	return "", nil, false
}

func compareChoice(op string, v, expected any) bool {
	cmp := choiceComparisons[op]
	if op == "StringMatches" {
		s, ok1 := v.(string)
		pattern, ok2 := expected.(string)
		return ok1 && ok2 && matchWildcard(pattern, s)
	}
	var c int
	switch cmp.operand {
	case operandString:
		a, ok1 := v.(string)
		b, ok2 := expected.(string)
		if !ok1 || !ok2 {
			return false
		}
		c = strings.Compare(a, b)
	case operandNumber:
		a, ok1 := v.(float64)
		b, ok2 := expected.(float64)
		if !ok1 || !ok2 {
			return false
		}
		c, _ = compareOrdered(a, b)
	case operandBoolean:
		a, ok1 := v.(bool)
		b, ok2 := expected.(bool)
		if !ok1 || !ok2 || a != b {
			return false
		}
	case operandTimestamp:
		a, ok1 := parseTimestamp(v)
		b, ok2 := parseTimestamp(expected)
		if !ok1 || !ok2 {
			return false
		}
		c = a.Compare(b)
	}
	return cmp.test(c)
}

// matchWildcard matches s against a StringMatches pattern, where * matches any run of
// characters, \* matches a star and \\ a backslash.
func matchWildcard(pattern, s string) bool {
	type token struct {
		star    bool
		literal string
	}
	var tokens []token
	var lit strings.Builder
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == '\\' && i+1 < len(pattern) && (pattern[i+1] == '*' || pattern[i+1] == '\\'):
			i++
			lit.WriteByte(pattern[i])
		case c == '*':
			tokens = append(tokens, token{literal: lit.String()}, token{star: true})
			lit.Reset()
		default:
			lit.WriteByte(c)
		}
	}
	tokens = append(tokens, token{literal: lit.String()})

	// The pattern is literal0 * literal1 * ... * literalN: the first literal must be a
	// prefix, the last a suffix, and the ones between must appear in order.
	literals := make([]string, 0, len(tokens))
	for _, t := range tokens {
		if !t.star {
			literals = append(literals, t.literal)
		}
	}
	if len(literals) == 1 {
		return s == literals[0]
	}
	first, last := literals[0], literals[len(literals)-1]
	if !strings.HasPrefix(s, first) {
		return false
	}
	s = s[len(first):]
	for _, middle := range literals[1 : len(literals)-1] {
		i := strings.Index(s, middle)
		if i < 0 {
			return false
		}
		s = s[i+len(middle):]
	}
	return strings.HasSuffix(s, last)
}
