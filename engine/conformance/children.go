package conformance

import (
	"encoding/json"
	"strings"
)

// childDefinitions are the child state machines of the startExecution cases, reconstructed
// from the outputs AWS recorded for them, by the end of the case id.
var childDefinitions = map[string]string{
	"test_start_execution_sync#get_execution_history":  `{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"Arg1": "argument1"}, "End": true}}}`,
	"test_start_execution_sync2#get_execution_history": `{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"Arg1": "argument1"}, "End": true}}}`,
	"test_start_execution_sync_delegate_failure#get_execution_history": `{"StartAt": "F", "States": {"F": {"Type": "Fail",
	  "Error": "SomeFailure", "Cause": "This state machines raises a 'SomeFailure' failure."}}}`,
}

// RecordedChildren returns the reconstructed child of a startExecution case, named after the
// state machine ARN in the case input, or nil for other cases. It suits Runner.Children.
func RecordedChildren(c *Case) map[string]string {
	for suffix, def := range childDefinitions {
		if !strings.HasSuffix(c.ID, "::"+suffix) || c.Input == nil {
			continue
		}
		var in struct{ StateMachineArn string }
		if err := json.Unmarshal([]byte(*c.Input), &in); err != nil {
			return nil
		}
		return map[string]string{in.StateMachineArn[strings.LastIndex(in.StateMachineArn, ":")+1:]: def}
	}
	return nil
}
