package expr

import (
	"fmt"
	"maps"
)

// ValidatePath checks a JSONPath as InputPath, OutputPath, ItemsPath and the other *Path
// fields accept it.
func ValidatePath(path string) error {
	_, err := compilePath(path)
	return err
}

// ValidateReferencePath checks a reference path, as ResultPath and a Choice rule's Variable
// accept it: names and array indexes only, with no wildcard, slice, filter, union, recursive
// descent or function.
func ValidateReferencePath(path string) error {
	cp, err := compilePath(path)
	if err != nil {
		return err
	}
	for _, seg := range cp.segments {
		if seg.kind != segName && seg.kind != segIndex {
			return pathError(path, "a reference path may contain only names and array indexes")
		}
	}
	return nil
}

// ValidateResultPath checks a ResultPath: a reference path into the state input, so it must
// start with "$" and not with "$$" or a variable.
func ValidateResultPath(path string) error {
	if err := ValidateReferencePath(path); err != nil {
		return err
	}
	if cp, _ := compilePath(path); cp.root != rootInput {
		return pathError(path, "a result path must start with \"$\" or \"$.\", not with a context object or variable reference")
	}
	return nil
}

// Query evaluates a path against the scope. A definite path returns the value it selects
// and a *Error named States.Runtime when nothing is there. An indefinite path (with a
// wildcard, slice, filter, union or recursive descent) returns an array of every match,
// which may be empty.
func Query(path string, s Scope) (any, error) {
	cp, err := compilePath(path)
	if err != nil {
		return nil, &Error{Name: ErrRuntime, Cause: err.Error()}
	}
	return cp.query(s)
}

func (cp *compiledPath) query(s Scope) (any, error) {
	start, err := cp.rootValue(s)
	if err != nil {
		return nil, err
	}
	if !cp.definite {
		all, err := cp.walkAll(start)
		if err != nil {
			return nil, &Error{Name: ErrRuntime, Cause: fmt.Sprintf("Invalid path '%s' : %v", cp.text, err)}
		}
		return all, nil
	}
	v, err := cp.walkDefinite(start)
	if err != nil {
		return nil, &Error{Name: ErrRuntime, Cause: fmt.Sprintf("Invalid path '%s' : %s", cp.text, err.Error())}
	}
	return v, nil
}

func (cp *compiledPath) rootValue(s Scope) (any, error) {
	switch cp.root {
	case rootContext:
		return s.Context, nil
	case rootVariable:
		v, ok := s.Vars[cp.variable]
		if !ok {
			return nil, &Error{Name: ErrRuntime, Cause: fmt.Sprintf("Invalid path '%s' : the variable $%s is not defined; assign it in an earlier state", cp.text, cp.variable)}
		}
		return v, nil
	}
	return s.Input, nil
}

// SetResultPath returns a copy of input with result placed at the reference path. "$"
// returns result itself. Missing objects on the way are created; the objects and arrays on
// the way are copied, so input is never changed. Writing below a value that is not an
// object, or to an array index that does not exist, fails with States.Runtime. A null
// ResultPath, which discards the result, is the caller's to handle.
func SetResultPath(input any, path string, result any) (any, error) {
	if err := ValidateResultPath(path); err != nil {
		return nil, &Error{Name: ErrRuntime, Cause: err.Error()}
	}
	cp, _ := compilePath(path)
	return setAt(input, cp.segments, 0, result, path)
}

func setAt(cur any, segs []segment, i int, result any, path string) (any, error) {
	if i == len(segs) {
		return result, nil
	}
	seg := segs[i]
	if seg.kind == segIndex {
		arr, ok := cur.([]any)
		idx := seg.index
		if ok && idx < 0 {
			idx += len(arr)
		}
		if !ok || idx < 0 || idx >= len(arr) {
			return nil, &Error{Name: ErrRuntime, Cause: fmt.Sprintf("Invalid path '%s' : cannot set %s because it is not an existing array element", path, normalizedPath(segs[:i+1]))}
		}
		child, err := setAt(arr[idx], segs, i+1, result, path)
		if err != nil {
			return nil, err
		}
		out := make([]any, len(arr))
		copy(out, arr)
		out[idx] = child
		return out, nil
	}

	var obj map[string]any
	switch x := cur.(type) {
	case map[string]any:
		obj = x
	case nil:
		// A missing or null member on the way is replaced by a new object.
	default:
		return nil, &Error{Name: ErrRuntime, Cause: fmt.Sprintf("Invalid path '%s' : cannot set property '%s' in %s because it is a %s, not an object", path, seg.name, normalizedPath(segs[:i]), typeName(cur))}
	}
	child, err := setAt(obj[seg.name], segs, i+1, result, path)
	if err != nil {
		return nil, err
	}
	out := make(map[string]any, len(obj)+1)
	maps.Copy(out, obj)
	out[seg.name] = child
	return out, nil
}
