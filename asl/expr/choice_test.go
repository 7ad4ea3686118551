package expr

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestEvalChoiceRule(t *testing.T) {
	scope := Scope{
		Input: decode(t, `{
			"s": "abc", "n": 0, "f": 1.5, "b": true, "null": null,
			"ts": "2024-05-01T10:00:00Z", "tsOffset": "2024-05-01T12:00:00+02:00",
			"file": "log-2024.txt", "star": "a*b", "slash": "a\\b",
			"other": {"n": 0.0, "s": "abd"}
		}`),
		Vars: map[string]any{"count": 3.0},
	}
	tests := []struct {
		rule string
		want bool
	}{
		{`{"Variable": "$.s", "StringEquals": "abc"}`, true},
		{`{"Variable": "$.s", "StringLessThan": "abd"}`, true},
		{`{"Variable": "$.s", "StringGreaterThanEquals": "abc"}`, true},
		{`{"Variable": "$.s", "StringLessThanPath": "$.other.s"}`, true},
		{`{"Variable": "$.n", "StringEquals": "0"}`, false},
		{`{"Variable": "$.n", "NumericEquals": 0}`, true},
		{`{"Variable": "$.n", "NumericEqualsPath": "$.other.n"}`, true},
		{`{"Variable": "$.f", "NumericGreaterThan": 1}`, true},
		{`{"Variable": "$.f", "NumericLessThanEquals": 1.5}`, true},
		{`{"Variable": "$.s", "NumericEquals": 0}`, false},
		{`{"Variable": "$.b", "BooleanEquals": true}`, true},
		{`{"Variable": "$.b", "BooleanEqualsPath": "$.b"}`, true},
		{`{"Variable": "$.n", "BooleanEquals": false}`, false},
		{`{"Variable": "$.ts", "TimestampEquals": "2024-05-01T10:00:00Z"}`, true},
		{`{"Variable": "$.ts", "TimestampEqualsPath": "$.tsOffset"}`, true},
		{`{"Variable": "$.ts", "TimestampLessThan": "2024-05-01T10:00:00.001Z"}`, true},
		{`{"Variable": "$.s", "TimestampLessThan": "2024-05-01T10:00:00Z"}`, false},
		{`{"Variable": "$.null", "IsNull": true}`, true},
		{`{"Variable": "$.s", "IsNull": false}`, true},
		{`{"Variable": "$.s", "IsString": true}`, true},
		{`{"Variable": "$.n", "IsNumeric": true}`, true},
		{`{"Variable": "$.b", "IsBoolean": true}`, true},
		{`{"Variable": "$.ts", "IsTimestamp": true}`, true},
		{`{"Variable": "$.s", "IsTimestamp": false}`, true},
		{`{"Variable": "$.missing", "IsPresent": false}`, true},
		{`{"Variable": "$.s", "IsPresent": true}`, true},
		{`{"Variable": "$undefined", "IsPresent": false}`, true},
		{`{"Variable": "$count", "NumericGreaterThan": 2}`, true},
		{`{"Variable": "$.file", "StringMatches": "log-*.txt"}`, true},
		{`{"Variable": "$.file", "StringMatches": "*.csv"}`, false},
		{`{"Variable": "$.file", "StringMatches": "*"}`, true},
		{`{"Variable": "$.star", "StringMatches": "a\\*b"}`, true},
		{`{"Variable": "$.file", "StringMatches": "log\\*"}`, false},
		{`{"Variable": "$.slash", "StringMatches": "a\\\\b"}`, true},
		{`{"And": [{"Variable": "$.n", "NumericEquals": 0}, {"Variable": "$.s", "IsString": true}]}`, true},
		{`{"And": [{"Variable": "$.n", "NumericEquals": 1}, {"Variable": "$.missing", "IsString": true}]}`, false},
		{`{"Or": [{"Variable": "$.n", "NumericEquals": 1}, {"Variable": "$.s", "StringEquals": "abc"}]}`, true},
		{`{"Not": {"Variable": "$.s", "StringEquals": "abc"}}`, false},
		{`{"Not": {"Not": {"Variable": "$.b", "BooleanEquals": true}}, "Next": "X"}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			rule := decode(t, tt.rule).(map[string]any)
			got, err := evalBoth(t, rule, scope)
			if err != nil {
				t.Fatalf("EvalChoiceRule error: %v", err)
			}
			if got != tt.want {
				t.Errorf("EvalChoiceRule = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEvalChoiceRuleMissingPath(t *testing.T) {
	scope := Scope{Input: decode(t, `{"a": 1}`)}
	for _, rule := range []string{
		`{"Variable": "$.missing", "NumericEquals": 1}`,
		`{"Variable": "$.missing", "IsNull": true}`,
		`{"Variable": "$.a", "NumericEqualsPath": "$.missing"}`,
	} {
		_, err := evalBoth(t, decode(t, rule).(map[string]any), scope)
		var e *Error
		if !errors.As(err, &e) || e.Name != ErrRuntime {
			t.Errorf("EvalChoiceRule(%s) error = %v, want States.Runtime", rule, err)
		}
	}
}

func TestValidateChoiceRule(t *testing.T) {
	tests := []struct {
		rule    string
		wantErr string
	}{
		{`{"Variable": "$.a", "StringEquals": "x", "Next": "S", "Comment": "c"}`, ""},
		{`{"And": [{"Variable": "$.a", "IsPresent": true}], "Next": "S"}`, ""},
		{`{"Variable": "$$.Map.Item.Value", "TimestampEquals": "2016-08-18T17:33:00Z"}`, ""},
		{`{"Next": "S"}`, "no condition"},
		{`{"Variable": "$.a", "StringEquals": "x", "NumericEquals": 1}`, "2 conditions (NumericEquals, StringEquals)"},
		{`{"Variable": "$.a", "StringEqual": "x"}`, `unknown choice operator "StringEqual"`},
		{`{"StringEquals": "x"}`, "needs a Variable"},
		{`{"Variable": "$.a[*]", "StringEquals": "x"}`, "Variable: invalid JSONPath"},
		{`{"Variable": "$.a", "StringEquals": 1}`, "StringEquals must be a string, not number"},
		{`{"Variable": "$.a", "NumericEquals": "1"}`, "NumericEquals must be a number"},
		{`{"Variable": "$.a", "BooleanEquals": "true"}`, "BooleanEquals must be true or false"},
		{`{"Variable": "$.a", "IsNull": "yes"}`, "IsNull must be true or false"},
		{`{"Variable": "$.a", "TimestampEquals": "2016-08-18"}`, "must be an RFC 3339 timestamp"},
		{`{"Variable": "$.a", "StringEqualsPath": 3}`, "must be a string holding a path"},
		{`{"Variable": "$.a", "StringEqualsPath": "$.b[0:1]"}`, "StringEqualsPath: invalid JSONPath"},
		{`{"Variable": "$.a", "StringMatchesPath": "$.b"}`, "unknown choice operator"},
		{`{"And": []}`, "non-empty array"},
		{`{"Or": [1]}`, "Or[0] must be a choice rule object"},
		{`{"And": [{"Variable": "$.a"}]}`, "And[0]: choice rule has no condition"},
		{`{"Not": [{"Variable": "$.a", "IsNull": true}]}`, "Not must be a choice rule object"},
		{`{"Variable": "$.a", "Not": {"Variable": "$.a", "IsNull": true}}`, "must not have a Variable"},
		{strings.Repeat(`{"Not": `, 150) + `{"Variable": "$.a", "IsNull": true}` + strings.Repeat("}", 150), "nested more than 100"},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			err := ValidateChoiceRule(decode(t, tt.rule).(map[string]any))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ValidateChoiceRule = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ValidateChoiceRule = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestEvalChoiceRuleMalformed(t *testing.T) {
	scope := Scope{Input: decode(t, `{"a": 1}`)}
	for _, rule := range []string{
		`{}`,
		`{"Variable": "$.a"}`,
		`{"Variable": "$.a", "Nope": 1}`,
		`{"Variable": 5, "NumericEquals": 1}`,
		`{"Variable": "$.a", "IsNull": "yes"}`,
		`{"Variable": "$.a", "NumericEqualsPath": 1}`,
		`{"And": [1]}`,
		`{"Not": "x"}`,
	} {
		_, err := evalBoth(t, decode(t, rule).(map[string]any), scope)
		var e *Error
		if !errors.As(err, &e) || e.Name != ErrRuntime || !strings.HasPrefix(e.Cause, "invalid choice rule") {
			t.Errorf("EvalChoiceRule(%s) error = %v, want an invalid choice rule error", rule, err)
		}
	}
}

// evalBoth evaluates rule with EvalChoiceRule and as a compiled ChoiceRule, and fails the
// test when the two disagree on a valid rule. (On a rule with two operators, EvalChoiceRule
// itself may pick either one.)
func evalBoth(t testing.TB, rule map[string]any, s Scope) (bool, error) {
	t.Helper()
	got, err := EvalChoiceRule(rule, s)
	compiled, cerr := CompileChoiceRule(rule).Eval(s)
	if ValidateChoiceRule(rule) != nil {
		return got, err
	}
	if compiled != got || fmt.Sprint(cerr) != fmt.Sprint(err) {
		t.Fatalf("rule %v: compiled rule gives %v, %v; EvalChoiceRule gives %v, %v", rule, compiled, cerr, got, err)
	}
	return got, err
}
