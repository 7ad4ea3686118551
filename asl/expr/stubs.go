package expr

import "errors"

var errNotImplemented = errors.New("not implemented")

func ValidateChoiceRule(rule map[string]any) error { return errNotImplemented }
func EvalChoiceRule(rule map[string]any, s Scope) (bool, error) {
	return false, errNotImplemented
}
func ValidateJSONataTemplate(v any) error { return errNotImplemented }
func EvalJSONataTemplate(v any, s JSONataScope) (any, error) {
	return nil, errNotImplemented
}
