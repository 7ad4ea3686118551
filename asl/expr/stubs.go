package expr

import "errors"

var errNotImplemented = errors.New("not implemented")

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
