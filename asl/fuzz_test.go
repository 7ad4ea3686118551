package asl

import (
	"errors"
	"testing"
)

var fuzzSeeds = []string{
	`{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}`,
	`{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
	  "Parameters": {"FunctionName": "F", "Payload.$": "$"}, "Retry": [{"ErrorEquals": ["States.ALL"]}],
	  "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "F"}], "End": true},
	  "F": {"Type": "Fail", "ErrorPath": "$.error.Error"}}}`,
	`{"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"And": [{"Variable": "$.a", "IsPresent": true},
	  {"Variable": "$.a", "NumericGreaterThanPath": "$.b"}], "Next": "W"}], "Default": "W"},
	  "W": {"Type": "Wait", "SecondsPath": "$.s", "End": true}}}`,
	`{"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {"Type": "Map", "Items": "{% $states.input.items %}",
	  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "P",
	  "States": {"P": {"Type": "Pass", "Output": "{% $states.input * 2 %}", "End": true}}},
	  "ToleratedFailurePercentage": 10, "Assign": {"n": "{% $count($states.result) %}"}, "End": true}}}`,
	`{"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [{"StartAt": "X", "States": {"X": {"Type": "Succeed"}}}],
	  "ResultSelector": {"first.$": "States.ArrayGetItem($, 0)"}, "End": true}}}`,
}

// FuzzParse checks that no definition, however malformed, makes Parse panic, and that every
// rejection is a *ValidationError.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sm, err := Parse(data)
		if err != nil {
			var verr *ValidationError
			if !errors.As(err, &verr) || len(verr.Problems) == 0 {
				t.Fatalf("Parse error %v is not a *ValidationError with problems", err)
			}
			return
		}
		if sm == nil || sm.States[sm.StartAt] == nil {
			t.Fatalf("Parse accepted a definition whose StartAt state is missing")
		}
	})
}

func TestParseSeedsAreValid(t *testing.T) {
	for i, s := range fuzzSeeds {
		if _, err := Parse([]byte(s)); err != nil {
			t.Errorf("seed %d: %v", i, err)
		}
	}
}
