package expr

import (
	"fmt"
	"strings"
)

// ValidateTemplate checks a payload template (Parameters, ItemSelector, ResultSelector, or
// Assign in JSONPath mode): every key ending in ".$" has a string value that is a valid path
// or intrinsic function call, and no object has both "name" and "name.$".
func ValidateTemplate(tpl any) error {
	switch x := tpl.(type) {
	case map[string]any:
		for _, k := range sortedKeys(x) {
			if err := validateTemplateMember(x, k); err != nil {
				return err
			}
		}
	case []any:
		for i, item := range x {
			if err := ValidateTemplate(item); err != nil {
				return fmt.Errorf("item %d: %w", i, err)
			}
		}
	}
	return nil
}

func validateTemplateMember(obj map[string]any, key string) error {
	v := obj[key]
	name, dynamic := strings.CutSuffix(key, ".$")
	if !dynamic {
		if err := ValidateTemplate(v); err != nil {
			return fmt.Errorf("field %q: %w", key, err)
		}
		return nil
	}
	if _, clash := obj[name]; clash {
		return fmt.Errorf("fields %q and %q both set %q: keep one of them", name, key, name)
	}
	expr, ok := v.(string)
	if !ok {
		return fmt.Errorf("field %q must be a string holding a path or an intrinsic function call, not %s", key, typeName(v))
	}
	var err error
	if isIntrinsicCall(expr) {
		err = ValidateIntrinsic(expr)
	} else {
		err = ValidatePath(expr)
	}
	if err != nil {
		return fmt.Errorf("field %q: %w", key, err)
	}
	return nil
}

// EvalTemplate builds the value a payload template describes. A key ending in ".$" becomes
// the key without the suffix, and its value the result of the path or intrinsic function call
// in the string. Other values are copied, and objects nested in objects and arrays are
// evaluated the same way.
func EvalTemplate(tpl any, s Scope) (any, error) {
	switch x := tpl.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, v := range x {
			name, dynamic := strings.CutSuffix(k, ".$")
			if !dynamic {
				value, err := EvalTemplate(v, s)
				if err != nil {
					return nil, err
				}
				out[k] = value
				continue
			}
			value, err := evalTemplateField(k, v, s)
			if err != nil {
				return nil, err
			}
			out[name] = value
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			value, err := EvalTemplate(item, s)
			if err != nil {
				return nil, err
			}
			out[i] = value
		}
		return out, nil
	}
	return tpl, nil
}

func evalTemplateField(key string, v any, s Scope) (any, error) {
	expr, ok := v.(string)
	if !ok {
		return nil, &Error{Name: ErrRuntime, Cause: fmt.Sprintf("The value of the field '%s' must be a path or an intrinsic function call but was %s", key, typeName(v))}
	}
	if isIntrinsicCall(expr) {
		return EvalIntrinsic(expr, s)
	}
	return QueryField(key, expr, s)
}

// QueryField is Query for a path in the state field named field, such as "ErrorPath" or a
// payload template key like "value.$". A path into the input or the context object that does
// not resolve fails with AWS's cause for such fields, which names the field and quotes the
// state input.
func QueryField(field, path string, s Scope) (any, error) {
	cp, err := compilePath(path)
	if err != nil {
		return nil, &Error{Name: ErrRuntime, Cause: err.Error()}
	}
	value, err := cp.query(s)
	if err == nil || cp.root == rootVariable {
		return value, err
	}
	input, _ := compactJSON(s.Input)
	return nil, &Error{Name: ErrRuntime, Cause: fmt.Sprintf("The JSONPath '%s' specified for the field '%s' could not be found in the input '%s'", path, field, input)}
}
