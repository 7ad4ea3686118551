package expr

import "errors"

var errNotImplemented = errors.New("not implemented")

func ValidateJSONataTemplate(v any) error { return errNotImplemented }
func EvalJSONataTemplate(v any, s JSONataScope) (any, error) {
	return nil, errNotImplemented
}
