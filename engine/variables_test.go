package engine

import (
	"context"
	"encoding/json"
	"testing"
)

func TestAssignTakesEffectAfterState(t *testing.T) {
	e, _ := newTestEngine(t, nil)
	x := runDef(t, e, `{"StartAt": "First", "States": {
	  "First": {"Type": "Pass", "Assign": {"x": 1}, "Next": "Second"},
	  "Second": {"Type": "Pass", "Assign": {"x": 2}, "Parameters": {"seen.$": "$x"}, "Next": "Third"},
	  "Third": {"Type": "Pass", "Parameters": {"before.$": "$.seen", "now.$": "$x"}, "End": true}}}`, `{}`)
	wantOutput(t, x, `{"before": 1, "now": 2}`)
}

func TestInnerScopeAssignmentsStayInside(t *testing.T) {
	e, _ := newTestEngine(t, nil)
	x := runDef(t, e, `{"StartAt": "Set", "States": {
	  "Set": {"Type": "Pass", "Assign": {"count": 0}, "Next": "Each"},
	  "Each": {"Type": "Map", "ItemsPath": "$.items", "ResultPath": null, "Next": "Read",
	    "ItemProcessor": {"StartAt": "Inner", "States": {
	      "Inner": {"Type": "Pass", "Assign": {"count": 99}, "Parameters": {"outer.$": "$count"}, "End": true}}}},
	  "Read": {"Type": "Pass", "Parameters": {"count.$": "$count"}, "End": true}}}`, `{"items": [1, 2]}`)
	wantOutput(t, x, `{"count": 0}`)
}

func TestJSONataTaskArgumentsOutputAndAssign(t *testing.T) {
	e, _ := newTestEngine(t, map[string]Handler{
		"Add": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
			var in struct{ A, B float64 }
			if err := json.Unmarshal(p, &in); err != nil {
				return nil, err
			}
			return json.Marshal(map[string]float64{"sum": in.A + in.B})
		},
	})
	x := runDef(t, e, `{"QueryLanguage": "JSONata", "StartAt": "Add", "States": {
	  "Add": {"Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:111111111111:function:Add",
	    "Arguments": {"A": "{% $states.input.a %}", "B": 2},
	    "Assign": {"last": "{% $states.result.sum %}"},
	    "Output": {"total": "{% $states.result.sum %}", "state": "{% $states.context.State.Name %}"},
	    "Next": "Show"},
	  "Show": {"Type": "Pass", "Output": {"total": "{% $states.input.total %}", "last": "{% $last %}"}, "End": true}}}`, `{"a": 40}`)
	wantOutput(t, x, `{"total": 42, "last": 42}`)
}

func TestWaitTimestampPathAndFailPaths(t *testing.T) {
	e, clock := newTestEngine(t, nil)
	x := runDef(t, e, `{"StartAt": "W", "States": {
	  "W": {"Type": "Wait", "TimestampPath": "$.until", "Next": "F"},
	  "F": {"Type": "Fail", "ErrorPath": "$.error", "CausePath": "States.Format('waited until {}', $.until)"}}}`,
		`{"until": "2026-01-03T03:04:05Z", "error": "Done"}`)
	if x.Error != "Done" || x.Cause != "waited until 2026-01-03T03:04:05Z" {
		t.Errorf("got %q %q, want Done and the formatted cause", x.Error, x.Cause)
	}
	if got := clock.Now().Sub(epoch).Hours(); got != 24 {
		t.Errorf("waited %v hours, want 24", got)
	}
}
