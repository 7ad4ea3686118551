// Package expr evaluates the expressions of Amazon States Language: JSONPath paths and
// reference paths, payload templates, intrinsic functions, Choice rules and JSONata templates.
//
// Values are the ones encoding/json decodes into any: nil, bool, float64, string, []any and
// map[string]any. No function mutates the values it is given.
package expr
