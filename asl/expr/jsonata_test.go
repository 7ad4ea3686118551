package expr

import (
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
)

func TestEvalJSONataTemplate(t *testing.T) {
	scope := JSONataScope{
		States: map[string]any{
			"input":   decode(t, `{"user": {"upn": "ada@example.com", "groups": ["a", "b", "c"]}, "n": 4}`),
			"context": decode(t, `{"State": {"Name": "Disable"}}`),
			"result":  decode(t, `{"status": 200}`),
		},
		Vars: map[string]any{"tenant": "acme", "limit": 2.0},
	}
	tests := []struct {
		name string
		tpl  string
		want string
	}{
		{"plain string", `"no expression"`, `"no expression"`},
		{"whole value", `"{% $states.input.user.upn %}"`, `"ada@example.com"`},
		{"variables", `"{% $tenant & '-' & $string($limit) %}"`, `"acme-2"`},
		{"context", `"{% $states.context.State.Name %}"`, `"Disable"`},
		{"result", `"{% $states.result.status = 200 %}"`, `true`},
		{"nested object and array", `{"a": ["{% $count($states.input.user.groups) %}", 1, {"b": "{% $states.input.n * 2 %}"}], "c": null}`, `{"a": [3, 1, {"b": 8}], "c": null}`},
		{"object result", `"{% {'upn': $states.input.user.upn} %}"`, `{"upn": "ada@example.com"}`},
		{"comment", `"{% /* first group */ $states.input.user.groups[0] %}"`, `"a"`},
		{"partition", `"{% $partition($states.input.user.groups, $limit) %}"`, `[["a", "b"], ["c"]]`},
		{"range", `"{% $range(1, 10, 4) %}"`, `[1, 5, 9]`},
		{"hash", `"{% $hash('input data', 'MD5') %}"`, `"812f45842bc6d66ee14572ce20db8e86"`},
		{"parse", `"{% $parse('{\"k\": [1]}') %}"`, `{"k": [1]}`},
		{"seeded random", `"{% $random(7) = $random(7) %}"`, `true`},
		{"not an expression", `"{% x"`, `"{% x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tpl := decode(t, tt.tpl)
			if err := ValidateJSONataTemplate(tpl); err != nil {
				t.Fatalf("ValidateJSONataTemplate: %v", err)
			}
			got, err := EvalJSONataTemplate(tpl, scope)
			if err != nil {
				t.Fatalf("EvalJSONataTemplate error: %v", err)
			}
			if want := decode(t, tt.want); !reflect.DeepEqual(got, want) {
				t.Errorf("EvalJSONataTemplate = %#v, want %#v", got, want)
			}
		})
	}
}

func TestJSONataUUIDAndRandom(t *testing.T) {
	got, err := EvalJSONataTemplate([]any{"{% $uuid() %}", "{% $random() %}"}, JSONataScope{})
	if err != nil {
		t.Fatalf("EvalJSONataTemplate: %v", err)
	}
	values := got.([]any)
	if s, _ := values[0].(string); !uuidRE.MatchString(s) {
		t.Errorf("$uuid() = %#v, want a version 4 UUID", values[0])
	}
	if f, ok := values[1].(float64); !ok || f < 0 || f >= 1 {
		t.Errorf("$random() = %#v, want a number in [0, 1)", values[1])
	}
}

func TestEvalJSONataErrors(t *testing.T) {
	scope := JSONataScope{States: map[string]any{"input": map[string]any{"a": 1.0}}}
	tests := []struct {
		name  string
		field string
		tpl   string
		cause string
	}{
		{"undefined", "Output", `{"result": "{% $doesNotExist %}"}`, "The JSONata expression '$doesNotExist' specified for the field 'Output/result' returned nothing (undefined)."},
		{"undefined in array", "Arguments", `["{% $states.input.zz %}"]`, "The JSONata expression '$states.input.zz' specified for the field 'Arguments/0' returned nothing (undefined)."},
		{"non-function", "Output", `"{% $randomSeeded(1) %}"`, "The JSONata expression '$randomSeeded(1)' specified for the field 'Output' threw an error during evaluation. T1006: Attempted to invoke a non-function"},
		{"function result", "Items", `"{% $fn := function($x){$x} %}"`, "The JSONata expression '$fn := function($x){$x}' specified for the field 'Items' returned an unsupported result type."},
		{"arithmetic on a string", "Output", `"{% 'a' + 1 %}"`, "T2001"},
		{"partition size", "Output", `"{% $partition([1], 0) %}"`, "greater than 0"},
		{"parse error", "Output", `"{% $parse('{') %}"`, "not valid JSON"},
		{"syntax", "Output", `"{% 1 + %}"`, "could not be parsed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := EvalJSONataField(tt.field, decode(t, tt.tpl), scope)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error = %v, want *Error", err)
			}
			if e.Name != ErrQueryEvaluationError {
				t.Errorf("error name = %q, want %q", e.Name, ErrQueryEvaluationError)
			}
			if !strings.Contains(e.Cause, tt.cause) {
				t.Errorf("cause = %q, want it to contain %q", e.Cause, tt.cause)
			}
		})
	}
}

func TestValidateJSONataTemplate(t *testing.T) {
	tests := []struct {
		tpl     string
		wantErr string
	}{
		{`{"a": "{% $x %}", "b": ["{% 1 + 1 %}", "literal"]}`, ""},
		{`"{% %}"`, "the expression is empty"},
		{`{"a": {"b": "{% 1 + %}"}}`, `field "a/b": invalid JSONata expression "1 +"`},
		{`["ok", "{% ( %}"]`, `field "1"`},
	}
	for _, tt := range tests {
		t.Run(tt.tpl, func(t *testing.T) {
			err := ValidateJSONataTemplate(decode(t, tt.tpl))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ValidateJSONataTemplate = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ValidateJSONataTemplate = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

// TestJSONataConcurrentVariables checks that evaluations of one cached expression with
// different variables at the same time each see their own variables.
func TestJSONataConcurrentVariables(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := float64(i)
			got, err := EvalJSONataTemplate("{% $n * 10 %}", JSONataScope{Vars: map[string]any{"n": n}})
			if err != nil || got != n*10 {
				errs <- "goroutine saw the wrong variable"
			}
		}()
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
}

func TestJSONataNullValues(t *testing.T) {
	scope := JSONataScope{
		States: map[string]any{"input": decode(t, `{"k": null, "list": [1, null]}`)},
		Vars:   map[string]any{"x": nil, "y": decode(t, `{"a": null}`)},
	}
	tests := []struct {
		expr string
		want string
	}{
		{"{% $x = null %}", `true`},
		{"{% $x %}", `null`},
		{"{% $y.a %}", `null`},
		{"{% $states.input.k = null %}", `true`},
		{"{% $states.input.list %}", `[1, null]`},
		{"{% $states.input %}", `{"k": null, "list": [1, null]}`},
		{"{% $exists($states.input.k) %}", `true`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			got, err := EvalJSONataTemplate(tt.expr, scope)
			if err != nil {
				t.Fatalf("EvalJSONataTemplate error: %v", err)
			}
			if want := decode(t, tt.want); !reflect.DeepEqual(got, want) {
				t.Errorf("EvalJSONataTemplate = %#v, want %#v", got, want)
			}
		})
	}
}

// TestJSONataVariableNotKept checks that a variable of one evaluation is not visible to a
// later evaluation of the same expression without it.
func TestJSONataVariableNotKept(t *testing.T) {
	const expr = "{% $kept %}"
	got, err := EvalJSONataTemplate(expr, JSONataScope{Vars: map[string]any{"kept": "first"}})
	if err != nil || got != "first" {
		t.Fatalf("first evaluation = %#v, %v; want \"first\"", got, err)
	}
	for range 3 {
		_, err = EvalJSONataTemplate(expr, JSONataScope{Vars: map[string]any{"other": 1.0}})
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(e.Cause, "returned nothing (undefined)") {
			t.Fatalf("evaluation without the variable: error = %v, want undefined", err)
		}
	}
}

func TestJSONataEndlessRecursion(t *testing.T) {
	tests := []struct {
		name string
		expr string
	}{
		{"named function", "{% ($f := function($x){ $f($x + 1) }; $f(1)) %}"},
		{"function passed to itself", "{% ($g := function($h, $x){ $h($h, $x) }; $g($g, 1)) %}"},
		{"typed function", "{% ($f := function($x)<n:n>{ $f($x) }; $f(1)) %}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := EvalJSONataTemplate(tt.expr, JSONataScope{})
			var e *Error
			if !errors.As(err, &e) || e.Name != ErrQueryEvaluationError {
				t.Fatalf("error = %v, want States.QueryEvaluationError", err)
			}
			want := "threw an error during evaluation. " + errJSONataStackOverflow.Error()
			if !strings.HasSuffix(e.Cause, want) {
				t.Errorf("cause = %q, want it to end with %q", e.Cause, want)
			}
		})
	}
}

func TestJSONataDeepButFiniteRecursion(t *testing.T) {
	got, err := EvalJSONataTemplate("{% ($sum := function($n){ $n = 0 ? 0 : $n + $sum($n - 1) }; $sum(1000)) %}", JSONataScope{})
	if err != nil {
		t.Fatalf("EvalJSONataTemplate error: %v", err)
	}
	if got != 500500.0 {
		t.Errorf("sum of 1..1000 = %#v, want 500500", got)
	}
	got, err = EvalJSONataTemplate("{% $map([1, 2, 3], function($v){ $v * 2 }) %}", JSONataScope{})
	if err != nil || !reflect.DeepEqual(got, []any{2.0, 4.0, 6.0}) {
		t.Errorf("$map with a function = %#v, %v; want [2, 4, 6]", got, err)
	}
}
