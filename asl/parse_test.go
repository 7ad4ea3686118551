package asl

import (
	"errors"
	"strings"
	"testing"
)

func TestParseValidMachine(t *testing.T) {
	def := `{
	  "Comment": "offboarding",
	  "StartAt": "Plan",
	  "States": {
	    "Plan": {"Type": "Pass", "Result": {"ok": true}, "Next": "Approve"},
	    "Approve": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
	      "TimeoutSeconds": 60, "HeartbeatSeconds": 10,
	      "Retry": [{"ErrorEquals": ["Throttled"]}, {"ErrorEquals": ["States.ALL"], "MaxAttempts": 0}],
	      "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}],
	      "Next": "Done"},
	    "Done": {"Type": "Succeed"},
	    "Failed": {"Type": "Fail", "Error": "Rejected", "Cause": "the approver rejected"}
	  }
	}`
	sm, err := Parse([]byte(def))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	task := sm.States["Approve"]
	if task.QueryLanguage != JSONPath {
		t.Errorf("QueryLanguage = %q, want %q", task.QueryLanguage, JSONPath)
	}
	want := Retrier{ErrorEquals: []string{"Throttled"}, IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: "NONE"}
	if got := task.Retry[0]; got.IntervalSeconds != want.IntervalSeconds || got.MaxAttempts != want.MaxAttempts ||
		got.BackoffRate != want.BackoffRate || got.JitterStrategy != want.JitterStrategy {
		t.Errorf("Retry[0] = %+v, want defaults %+v", got, want)
	}
	if task.Retry[1].MaxAttempts != 0 {
		t.Errorf("Retry[1].MaxAttempts = %d, want 0", task.Retry[1].MaxAttempts)
	}
	if task.TimeoutSeconds != 60.0 {
		t.Errorf("TimeoutSeconds = %v, want 60", task.TimeoutSeconds)
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	tests := []struct {
		name string
		def  string
		want []string
	}{
		{
			name: "not JSON",
			def:  `{"StartAt":`,
			want: []string{"definition is not valid JSON"},
		},
		{
			name: "StartAt not found",
			def:  `{"StartAt": "Nope", "States": {"A": {"Type": "Succeed"}}}`,
			want: []string{`StartAt "Nope" is not a state`},
		},
		{
			name: "retry ranges",
			def: `{"StartAt": "Disable user", "States": {"Disable user": {"Type": "Task",
			  "Resource": "arn:aws:lambda:eu-west-1:111111111111:function:Disable", "End": true,
			  "Retry": [{"ErrorEquals": ["States.ALL"], "BackoffRate": 0.5}, {"ErrorEquals": ["X"], "MaxAttempts": -1}]}}}`,
			want: []string{
				`state "Disable user": Retry[0].BackoffRate must be >= 1.0`,
				`state "Disable user": Retry[0]: a retrier with States.ALL must be the last one`,
				`state "Disable user": Retry[1].MaxAttempts must be an integer between 0 and 99999999`,
			},
		},
		{
			name: "dangling Next, unreachable state and missing End",
			def: `{"StartAt": "A", "States": {
			  "A": {"Type": "Pass", "Next": "Missing"},
			  "B": {"Type": "Pass"}}}`,
			want: []string{
				`state "A": Next "Missing" is not a state of this state machine`,
				`state "B": Next is missing`,
				`state "B": state is unreachable from StartAt "A"`,
			},
		},
		{
			name: "unknown field and field of the other language",
			def: `{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, "Resource": "x",
			  "QueryLanguage": "JSONata", "Result": 1}}}`,
			want: []string{
				`state "A": field "Resource" is not allowed in a Pass state`,
				`state "A": field "Result" is not allowed when QueryLanguage is JSONata`,
			},
		},
		{
			name: "nested branch problems",
			def: `{"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
			  {"StartAt": "X", "States": {"X": {"Type": "Wait", "End": true}}}]}}}`,
			want: []string{`state "P": Branches[0]: state "X": a Wait state needs exactly one of`},
		},
		{
			name: "catch order and map mode",
			def: `{"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "Label": "x",
			  "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Succeed"}}},
			  "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "M"}, {"ErrorEquals": ["A"], "Next": "M"}]}}}`,
			want: []string{
				`state "M": Catch[0]: a catcher with States.ALL must be the last one`,
				`state "M": Label is only allowed when ItemProcessor.ProcessorConfig.Mode is DISTRIBUTED`,
			},
		},
		{
			name: "unknown state type",
			def:  `{"StartAt": "A", "States": {"A": {"Type": "Sleep"}}}`,
			want: []string{`state "A": Type must be one of`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.def))
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("Parse error = %v, want a *ValidationError", err)
			}
			for _, want := range tt.want {
				if !containsProblem(verr.Problems, want) {
					t.Errorf("problems %q do not contain %q", verr.Problems, want)
				}
			}
		})
	}
}

func containsProblem(problems []string, want string) bool {
	for _, p := range problems {
		if strings.Contains(p, want) {
			return true
		}
	}
	return false
}

func TestParseSyntaxErrorPosition(t *testing.T) {
	_, err := Parse([]byte("{\n  \"StartAt\": \"A\",\n  \"States\": {\"A\": {\"Type\": \"Pass\", \"End\": true,}}\n}\n"))
	if err == nil || !strings.Contains(err.Error(), "at line 3, column 48") {
		t.Errorf("Parse = %v, want the syntax error's line and column", err)
	}
}
