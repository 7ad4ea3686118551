package engine

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"
)

// FuzzExecution runs arbitrary definitions and inputs and checks that the engine never
// panics and that every execution it starts ends.
func FuzzExecution(f *testing.F) {
	seeds := [][2]string{
		{`{"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"a.$": "$.x", "b.$": "States.MathAdd($.n, 1)"}, "ResultPath": "$.r", "End": true}}}`, `{"x": 1, "n": 2}`},
		{`{"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericLessThan": 3, "Next": "W"}], "Default": "D"}, "W": {"Type": "Wait", "SecondsPath": "$.n", "Next": "D"}, "D": {"Type": "Succeed"}}}`, `{"n": 1}`},
		{`{"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2, "ItemSelector": {"v.$": "$$.Map.Item.Value"}, "ItemProcessor": {"StartAt": "F", "States": {"F": {"Type": "Fail", "ErrorPath": "$.v"}}}, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "D"}], "End": true}, "D": {"Type": "Pass", "End": true}}}`, `{"items": ["a", "b"]}`},
		{`{"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [{"StartAt": "X", "States": {"X": {"Type": "Pass", "Output": "{% $states.input.a + 1 %}", "End": true}}}], "Assign": {"r": "{% $states.result %}"}, "End": true}}}`, `{"a": 1}`},
		{`{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "Panic", "Payload.$": "$"}, "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}], "End": true}}}`, `[1, 2]`},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, def, input string) {
		e := New(Options{
			Clock:  NewVirtualClock(epoch),
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Handlers: map[string]Handler{
				"Panic": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) { panic("handler bug") },
			},
		})
		ctx := context.Background()
		arn, err := e.CreateStateMachine(ctx, "fuzz", []byte(def), nil)
		if err != nil {
			return
		}
		execARN, err := e.StartExecution(ctx, arn, "", input)
		if err != nil {
			return
		}
		wctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		if _, err := e.Wait(wctx, execARN); err != nil {
			// A definition may loop forever, as it may on AWS; stopping it must work.
			if err := e.StopExecution(ctx, execARN, "FuzzTimeout", ""); err != nil {
				t.Fatalf("StopExecution: %v", err)
			}
		}
	})
}

func TestHandlerPanicFailsTask(t *testing.T) {
	e, _ := newTestEngine(t, map[string]Handler{
		"Panic": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) { panic("handler bug") },
	})
	x := runDef(t, e, `{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:111111111111:function:Panic", "End": true}}}`, `{}`)
	if x.Status != StatusFailed || x.Error != "string" {
		t.Errorf("got %s %q, want FAILED with the panic value's type, string", x.Status, x.Error)
	}
}
