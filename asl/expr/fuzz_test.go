package expr

import (
	"encoding/json"
	"testing"
)

// fuzzDocument is the input the fuzz targets evaluate parsed expressions against.
const fuzzDocument = `{"a": {"b": [1, "two", {"c": null}], "d e": true}, "n": -2.5, "s": "x,y"}`

// FuzzParsePath checks that no path text makes the parser or the evaluator panic, and that
// a valid definite path either resolves or fails with an *Error.
func FuzzParsePath(f *testing.F) {
	for _, seed := range []string{
		"$", "$$", "$var", "$.a.b[0]", "$.a['d e']", "$..c", "$.a.b[*]", "$.a.b[-1:]", "$.a.b[::-1]",
		"$.a.b[?(@.c == null)]", "$.a.b[?(@ > 0 && !(@.x || @.y =~ /t.*/i))]", "$.a.b.length()",
		"$.a[0,1]", "$['a','n']", "$.a.b[1:2:0]", "$[", "$.a[?(", "$..", "$.a.b[?(@.c < $.n)]",
	} {
		f.Add(seed)
	}
	scope := Scope{Input: decode(f, fuzzDocument), Context: decode(f, fuzzDocument), Vars: map[string]any{"var": decode(f, fuzzDocument)}}
	f.Fuzz(func(t *testing.T, text string) {
		cp, err := parsePath(text)
		if err != nil {
			return
		}
		if _, err := cp.query(scope); err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("query %q returned %T, want *Error", text, err)
			}
		}
		if err := ValidateReferencePath(text); err == nil && cp.root == rootInput {
			if _, err := SetResultPath(scope.Input, text, "r"); err != nil {
				if _, ok := err.(*Error); !ok {
					t.Fatalf("SetResultPath %q returned %T, want *Error", text, err)
				}
			}
		}
	})
}

// FuzzParseIntrinsic checks that no call text makes the intrinsic parser or an intrinsic
// function panic.
func FuzzParseIntrinsic(f *testing.F) {
	for _, seed := range []string{
		"States.Format('{} and {}', $.a.b[1], $.n)", "States.Format('\\{\\}\\'\\\\')",
		"States.StringToJson('{\"k\": [1]}')", "States.JsonToString($.a)", "States.Array(1, 'x', true, null)",
		"States.ArrayPartition($.a.b, 2)", "States.ArrayRange(1, 9, 2)", "States.ArrayGetItem($.a.b, 0)",
		"States.ArrayUnique(States.Array(1, 1))", "States.Base64Decode(States.Base64Encode('x'))",
		"States.Hash('x', 'SHA-256')", "States.JsonMerge($.a, $.a, false)", "States.MathRandom(1, 5, 3)",
		"States.MathAdd($.n, 1)", "States.StringSplit($.s, ',')", "States.UUID()", "States.Format(",
		"States.ArrayRange(0, 2147483647, 1)", "States.MathRandom(-9007199254740993, 9007199254740993)",
	} {
		f.Add(seed)
	}
	scope := Scope{Input: decode(f, fuzzDocument), Vars: map[string]any{}}
	f.Fuzz(func(t *testing.T, text string) {
		call, err := parseIntrinsic(text)
		if err != nil {
			return
		}
		if _, err := call.eval(scope); err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("eval %q returned %T, want *Error", text, err)
			}
		}
	})
}

// FuzzChoiceRule checks that no rule, valid or not, makes the Choice validator or evaluator
// panic, and that evaluation errors are *Error.
func FuzzChoiceRule(f *testing.F) {
	for _, seed := range []string{
		`{"Variable": "$.n", "NumericLessThan": 0}`,
		`{"Variable": "$.s", "StringMatches": "x*\\*"}`,
		`{"And": [{"Variable": "$.a.d e", "IsPresent": true}, {"Not": {"Variable": "$.s", "IsNull": true}}]}`,
		`{"Or": [{"Variable": "$.a.b[0]", "NumericEqualsPath": "$.n"}, {"Variable": "$$.x", "TimestampEquals": "2020-01-01T00:00:00Z"}]}`,
		`{"Variable": "$.a", "IsTimestamp": true, "Next": "X"}`,
		`{"Not": 1}`,
	} {
		f.Add(seed)
	}
	scope := Scope{Input: decode(f, fuzzDocument), Context: decode(f, fuzzDocument), Vars: map[string]any{}}
	f.Fuzz(func(t *testing.T, text string) {
		var rule map[string]any
		if err := json.Unmarshal([]byte(text), &rule); err != nil {
			return
		}
		_ = ValidateChoiceRule(rule)
		if _, err := evalBoth(t, rule, scope); err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("EvalChoiceRule(%s) returned %T, want *Error", text, err)
			}
		}
	})
}

// FuzzJSONata checks that no expression text makes compiling or evaluating a JSONata
// template panic or crash, and that evaluation errors are *Error.
func FuzzJSONata(f *testing.F) {
	for _, seed := range []string{
		"$states.input.a.b[1]", "$sum($states.input.a.b[$type($) = 'number'])", "$partition([1, 2, 3], 2)",
		"($f := function($x){ $x > 3 ? $x : $f($x + 1) }; $f(0))", "$map([1, 2], function($v, $i){ $v + $i })",
		"{'k': $states.input.n, 'l': [1, 'two', null]}", "/* comment */ $uuid()", "$hash('x', 'SHA-1')",
		"$states.input.s ~> $split(',')", "[1..5]", "$parse('{\"a\": 1}')", "$random(1) < 1",
	} {
		f.Add(seed)
	}
	scope := JSONataScope{States: map[string]any{"input": decode(f, fuzzDocument)}, Vars: map[string]any{"v": 1.0}}
	f.Fuzz(func(t *testing.T, text string) {
		if _, err := EvalJSONataTemplate("{%"+text+"%}", scope); err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("EvalJSONataTemplate(%q) returned %T, want *Error", text, err)
			}
		}
	})
}
