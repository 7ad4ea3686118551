package expr

import (
	"encoding/json"
	"reflect"
)

// jsonataNull is the JSONata library's representation of JSON null. The library treats a
// nil interface as undefined.
var jsonataNull = (*any)(nil)

// toJSONataValue replaces every JSON null in v with jsonataNull, copying only the objects and
// arrays that contain a null.
func toJSONataValue(v any) any {
	if !containsNull(v) {
		return v
	}
	switch x := v.(type) {
	case nil:
		return jsonataNull
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = toJSONataValue(item)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			out[k] = toJSONataValue(item)
		}
		return out
	}
	return v
}

func containsNull(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case []any:
		for _, item := range x {
			if containsNull(item) {
				return true
			}
		}
	case map[string]any:
		for _, item := range x {
			if containsNull(item) {
				return true
			}
		}
	}
	return false
}

// toJSONValue converts a library result into the JSON value model, or returns false for a
// function or another value JSON cannot hold.
func toJSONValue(v any) (any, bool) {
	switch x := v.(type) {
	case nil, bool, float64, string:
		return x, true
	case *any:
		if x == nil {
			return nil, true
		}
		return toJSONValue(*x)
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			value, ok := toJSONValue(item)
			if !ok {
				return nil, false
			}
			out[i] = value
		}
		return out, true
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			value, ok := toJSONValue(item)
			if !ok {
				return nil, false
			}
			out[k] = value
		}
		return out, true
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Func || rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Struct {
		if _, isCallable := v.(interface{ Name() string }); isCallable {
			return nil, false
		}
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil, false
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, false
	}
	return out, true
}
