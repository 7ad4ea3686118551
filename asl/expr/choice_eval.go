package expr

import "strings"

// EvalChoiceRule reports whether a JSONPath Choice rule matches. Values of a type the
// operator does not take compare false. A Variable path that does not resolve is a
// States.Runtime error, except under IsPresent, which then is false. The rule is expected to
// have passed ValidateChoiceRule; a malformed rule gives a States.Runtime error, never a
// panic, but not necessarily the validator's message.
func EvalChoiceRule(rule map[string]any, s Scope) (bool, error) {
	if list, ok := rule["And"].([]any); ok {
		for _, item := range list {
			matched, err := evalNestedRule(item, s)
			if err != nil || !matched {
				return false, err
			}
		}
		return true, nil
	}
	if list, ok := rule["Or"].([]any); ok {
		for _, item := range list {
			matched, err := evalNestedRule(item, s)
			if err != nil || matched {
				return matched, err
			}
		}
		return false, nil
	}
	if inner, ok := rule["Not"]; ok {
		matched, err := evalNestedRule(inner, s)
		return !matched && err == nil, err
	}
	return evalComparison(rule, s)
}

func evalNestedRule(v any, s Scope) (bool, error) {
	rule, ok := v.(map[string]any)
	if !ok {
		return false, invalidChoiceRule("a nested rule must be an object, not " + typeName(v))
	}
	return EvalChoiceRule(rule, s)
}

func invalidChoiceRule(detail string) error {
	return &Error{Name: ErrRuntime, Cause: "invalid choice rule: " + detail}
}

func evalComparison(rule map[string]any, s Scope) (bool, error) {
	op, expected, found := comparisonOf(rule)
	variable, isString := rule["Variable"].(string)
	if !found || !isString {
		return false, invalidChoiceRule("it needs a Variable and a comparison operator")
	}
	if op == "IsPresent" || choiceTypeTests[op] != nil {
		want, ok := expected.(bool)
		if !ok {
			return false, invalidChoiceRule(op + " must be true or false")
		}
		v, err := Query(variable, s)
		if op == "IsPresent" {
			return (err == nil) == want, nil
		}
		if err != nil {
			return false, err
		}
		return choiceTypeTests[op](v) == want, nil
	}

	v, err := Query(variable, s)
	if err != nil {
		return false, err
	}
	if base, isPath := strings.CutSuffix(op, "Path"); isPath && base != "StringMatches" {
		if _, known := choiceComparisons[base]; known {
			path, ok := expected.(string)
			if !ok {
				return false, invalidChoiceRule(op + " must be a string holding a path")
			}
			if expected, err = Query(path, s); err != nil {
				return false, err
			}
			op = base
		}
	}
	if _, known := choiceComparisons[op]; !known {
		return false, invalidChoiceRule("unknown choice operator " + op)
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
