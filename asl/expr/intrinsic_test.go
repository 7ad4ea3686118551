package expr

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestEvalIntrinsic(t *testing.T) {
	scope := Scope{
		Input:   decode(t, `{"name": "Ada", "n": 3, "list": [1, 2, 2, "a", "a", {"k": 1}, {"k": 1}], "obj": {"a": 1, "b": [true, null]}, "csv": "a,b;;c"}`),
		Context: decode(t, `{"StateMachine": {"Name": "offboard-user-prod"}}`),
		Vars:    map[string]any{"greeting": "Hello"},
	}
	tests := []struct {
		call string
		want string
	}{
		{`States.Format('Hello, {}!', $.name)`, `"Hello, Ada!"`},
		{`States.Format('{} has {} items', $.name, $.n)`, `"Ada has 3 items"`},
		{`States.Format('{}', $.obj)`, `"{a=1, b=[true, null]}"`},
		{`States.Format('{}', 1.5)`, `"1.5"`},
		{`States.Format('\{\} is literal, {} is not', 'x')`, `"{} is literal, x is not"`},
		{`States.Format('it\'s {}', $greeting)`, `"it's Hello"`},
		{`States.Format('back\\slash {}', true)`, `"back\\slash true"`},
		{`States.Format('no placeholders')`, `"no placeholders"`},
		{`States.StringToJson('{"a": [1, 2]}')`, `{"a": [1, 2]}`},
		{`States.StringToJson('')`, `null`},
		{`States.JsonToString($.obj)`, `"{\"a\":1,\"b\":[true,null]}"`},
		{`States.JsonToString('<&>')`, `"\"<&>\""`},
		{`States.Array('a', 1, true, null, $.n)`, `["a", 1, true, null, 3]`},
		{`States.Array()`, `[]`},
		{`States.ArrayPartition($.list, 3)`, `[[1, 2, 2], ["a", "a", {"k": 1}], [{"k": 1}]]`},
		{`States.ArrayContains($.list, $.obj)`, `false`},
		{`States.ArrayContains($.list, 'a')`, `true`},
		{`States.ArrayRange(1, 9, 2)`, `[1, 3, 5, 7, 9]`},
		{`States.ArrayRange(5, 1, -2)`, `[5, 3, 1]`},
		{`States.ArrayRange(5, 1, 1)`, `[]`},
		{`States.ArrayGetItem($.list, 3)`, `"a"`},
		{`States.ArrayLength($.list)`, `7`},
		{`States.ArrayUnique($.list)`, `[1, 2, "a", {"k": 1}]`},
		{`States.Base64Encode('Data to encode')`, `"RGF0YSB0byBlbmNvZGU="`},
		{`States.Base64Decode('RGF0YSB0byBlbmNvZGU=')`, `"Data to encode"`},
		{`States.Hash('input data', 'SHA-1')`, `"aaff4a450a104cd177d28d18d74485e8cae074b7"`},
		{`States.Hash('input data', 'MD5')`, `"812f45842bc6d66ee14572ce20db8e86"`},
		{`States.JsonMerge($.obj, States.StringToJson('{"b": 2, "c": 3}'), false)`, `{"a": 1, "b": 2, "c": 3}`},
		{`States.MathAdd(1.5, -2.5)`, `0`},
		{`States.MathAdd($.n, -1)`, `2`},
		{`States.MathRandom(7, 7)`, `7`},
		{`States.StringSplit($.csv, ',;')`, `["a", "b", "c"]`},
		{`States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))`, `"prod"`},
		{` States.Format( '{}' , $.name ) `, `"Ada"`},
	}
	for _, tt := range tests {
		t.Run(tt.call, func(t *testing.T) {
			if err := ValidateIntrinsic(tt.call); err != nil {
				t.Fatalf("ValidateIntrinsic: %v", err)
			}
			got, err := EvalIntrinsic(tt.call, scope)
			if err != nil {
				t.Fatalf("EvalIntrinsic(%s) error: %v", tt.call, err)
			}
			if want := decode(t, tt.want); !reflect.DeepEqual(got, want) {
				t.Errorf("EvalIntrinsic(%s) = %#v, want %#v", tt.call, got, want)
			}
		})
	}
}

func TestMathRandomRange(t *testing.T) {
	seen := map[float64]bool{}
	for range 200 {
		v, err := EvalIntrinsic("States.MathRandom(-2, 2)", Scope{})
		if err != nil {
			t.Fatalf("MathRandom: %v", err)
		}
		n := v.(float64)
		if n < -2 || n >= 2 || n != float64(int(n)) {
			t.Fatalf("MathRandom(-2, 2) = %v, want an integer in [-2, 2)", n)
		}
		seen[n] = true
	}
	if len(seen) < 3 {
		t.Errorf("200 draws gave only %v", seen)
	}

	first, _ := EvalIntrinsic("States.MathRandom(0, 1000000, 42)", Scope{})
	second, _ := EvalIntrinsic("States.MathRandom(0, 1000000, 42)", Scope{})
	if first != second {
		t.Errorf("seeded MathRandom gave %v then %v, want the same number", first, second)
	}
}

func TestUUIDVersion4(t *testing.T) {
	a, _ := EvalIntrinsic("States.UUID()", Scope{})
	b, _ := EvalIntrinsic("States.UUID()", Scope{})
	if !uuidRE.MatchString(a.(string)) {
		t.Errorf("UUID %q is not a version 4 UUID", a)
	}
	if a == b {
		t.Errorf("two UUIDs are equal: %q", a)
	}
}

func TestEvalIntrinsicFailures(t *testing.T) {
	scope := Scope{Input: decode(t, `{"s": "text", "list": [1]}`)}
	tests := []struct {
		call  string
		name  string
		cause string
	}{
		{`States.Format('{} {}', 'a')`, ErrIntrinsicFailure, "more {} placeholders"},
		{`States.Format('{}', 'a', 'b')`, ErrIntrinsicFailure, "1 {} placeholders but 2 values"},
		{`States.StringToJson('{bad')`, ErrIntrinsicFailure, "not valid JSON"},
		{`States.StringToJson(1)`, ErrIntrinsicFailure, "must be a string"},
		{`States.ArrayPartition($.list, 0)`, ErrIntrinsicFailure, "greater than 0"},
		{`States.ArrayPartition($.list, 1.5)`, ErrIntrinsicFailure, "must be an integer"},
		{`States.ArrayRange(1, 5000, 1)`, ErrIntrinsicFailure, "more than 1000"},
		{`States.ArrayRange(1, 5, 0)`, ErrIntrinsicFailure, "must not be 0"},
		{`States.ArrayGetItem($.list, 1)`, ErrIntrinsicFailure, "out of bounds"},
		{`States.ArrayLength($.s)`, ErrIntrinsicFailure, "must be an array"},
		{`States.Base64Decode('***')`, ErrIntrinsicFailure, "not valid base64"},
		{`States.Hash('x', 'SHA-3')`, ErrIntrinsicFailure, "unknown hash algorithm"},
		{`States.JsonMerge(States.StringToJson('{}'), States.StringToJson('{}'), true)`, ErrIntrinsicFailure, "deep merge is not supported"},
		{`States.JsonMerge($.list, States.StringToJson('{}'), false)`, ErrIntrinsicFailure, "must be an object"},
		{`States.MathAdd($.s, 1)`, ErrIntrinsicFailure, "must be a number"},
		{`States.MathRandom(5, 1)`, ErrIntrinsicFailure, "greater than the end"},
		{`States.StringSplit($.list, ',')`, ErrIntrinsicFailure, "must be a string"},
		{`States.Format('{}', $.missing)`, ErrRuntime, "No results for path"},
	}
	for _, tt := range tests {
		t.Run(tt.call, func(t *testing.T) {
			_, err := EvalIntrinsic(tt.call, scope)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error = %v, want *Error", err)
			}
			if e.Name != tt.name {
				t.Errorf("error name = %q, want %q", e.Name, tt.name)
			}
			if !strings.Contains(e.Cause, tt.cause) {
				t.Errorf("cause = %q, want it to contain %q", e.Cause, tt.cause)
			}
		})
	}
}

func TestValidateIntrinsic(t *testing.T) {
	tests := []struct {
		call    string
		wantErr string
	}{
		{`States.Format('{}', $.a[?(@.b == 'x, y')].c)`, ""},
		{`States.UUID()`, ""},
		{`Format('x')`, "expected a function name"},
		{`States.Nope(1)`, "unknown function States.Nope"},
		{`States.UUID(1)`, "takes 0 arguments but was given 1"},
		{`States.Hash('x')`, "takes 2 arguments but was given 1"},
		{`States.MathRandom(1)`, "takes 2 to 3 arguments"},
		{`States.Format()`, "takes at least 1 arguments"},
		{`States.Format('x'`, "missing \")\""},
		{`States.Format('x) `, "unterminated string"},
		{`States.Format('x') extra`, "unexpected text"},
		{`States.Format('x' 'y')`, "expected \",\" or \")\""},
		{`States.Format('{}', $.a[)`, "invalid JSONPath"},
		{`States.Format('{}', @)`, "unexpected character"},
		{`States.Format('{}', 1.2.3)`, "invalid number"},
		{strings.Repeat("States.Array(", 100) + strings.Repeat(")", 100), "nested more than 64"},
	}
	for _, tt := range tests {
		t.Run(tt.call, func(t *testing.T) {
			err := ValidateIntrinsic(tt.call)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ValidateIntrinsic(%s) = %v, want nil", tt.call, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ValidateIntrinsic(%s) = %v, want an error containing %q", tt.call, err, tt.wantErr)
			}
		})
	}
}

func TestEvalTemplate(t *testing.T) {
	scope := Scope{
		Input:   decode(t, `{"user": {"upn": "ada@example.com"}, "ids": [1, 2]}`),
		Context: decode(t, `{"Execution": {"Name": "e1"}}`),
		Vars:    map[string]any{"tenant": "acme"},
	}
	tpl := decode(t, `{
		"literal": "$.not.a.path",
		"upn.$": "$.user.upn",
		"exec.$": "$$.Execution.Name",
		"tenant.$": "$tenant",
		"message.$": "States.Format('user {}', $.user.upn)",
		"nested": {"first.$": "$.ids[0]", "list": [{"x.$": "$.ids[1]"}, "plain", 3]},
		"all.$": "$.ids[*]"
	}`)
	got, err := EvalTemplate(tpl, scope)
	if err != nil {
		t.Fatalf("EvalTemplate: %v", err)
	}
	want := decode(t, `{
		"literal": "$.not.a.path",
		"upn": "ada@example.com",
		"exec": "e1",
		"tenant": "acme",
		"message": "user ada@example.com",
		"nested": {"first": 1, "list": [{"x": 2}, "plain", 3]},
		"all": [1, 2]
	}`)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("EvalTemplate = %#v\nwant %#v", got, want)
	}
}

func TestEvalTemplateMissingPath(t *testing.T) {
	_, err := EvalTemplate(map[string]any{"value.$": "$.missing"}, Scope{Input: map[string]any{"a": 1.0}})
	var e *Error
	if !errors.As(err, &e) || e.Name != ErrRuntime {
		t.Fatalf("error = %v, want States.Runtime", err)
	}
	want := `The JSONPath '$.missing' specified for the field 'value.$' could not be found in the input '{"a":1}'`
	if e.Cause != want {
		t.Errorf("cause = %q, want %q", e.Cause, want)
	}
}

func TestValidateTemplate(t *testing.T) {
	tests := []struct {
		tpl     string
		wantErr string
	}{
		{`{"a.$": "$.x", "b": {"c.$": "States.UUID()"}, "d": [{"e.$": "$$.Map.Item.Value"}]}`, ""},
		{`{"a": 1, "a.$": "$.x"}`, `fields "a" and "a.$" both set "a"`},
		{`{"a.$": 5}`, `field "a.$" must be a string`},
		{`{"a.$": "x"}`, `field "a.$": invalid JSONPath`},
		{`{"b": {"a.$": "States.Nope()"}}`, `field "b": field "a.$": invalid intrinsic function call`},
		{`[{"a.$": "$["}]`, `item 0: field "a.$"`},
	}
	for _, tt := range tests {
		t.Run(tt.tpl, func(t *testing.T) {
			err := ValidateTemplate(decode(t, tt.tpl))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ValidateTemplate = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ValidateTemplate = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}
