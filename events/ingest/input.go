package ingest

import (
	"encoding/json"
	"fmt"
)

// WorkflowInput returns the input a workflow takes for a canonical event: the envelope's
// detail, as an EventBridge target with InputPath $.detail passes it, since the workflows
// read $.ticketId and the alert fields at the top level. The envelope's time changes on
// every delivery, so leaving it out also gives a redelivered event the same input, and the
// engine or Step Functions returns the first execution. dryRun adds "dryRun": true.
func WorkflowInput(envelope string, dryRun bool) (string, error) {
	var env struct {
		Detail map[string]any `json:"detail"`
	}
	if err := json.Unmarshal([]byte(envelope), &env); err != nil {
		return "", fmt.Errorf("decoding the event envelope: %w", err)
	}
	if env.Detail == nil {
		return "", fmt.Errorf("the event envelope has no detail object")
	}
	if dryRun {
		env.Detail["dryRun"] = true
	}
	out, err := json.Marshal(env.Detail)
	return string(out), err
}
