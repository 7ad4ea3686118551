package local

import (
	"encoding/json"
	"regexp"

	"github.com/secamo/orchestrator/engine"
)

var childARN = regexp.MustCompile(`arn:aws:states:[^"\\]*:execution:[^"\\:]+:[^"\\]+`)

// ChildExecutions returns the ARNs of the child executions that the states:startExecution
// tasks in parent's history started, in order.
func ChildExecutions(parent string, history []engine.HistoryEvent) []string {
	var out []string
	seen := map[string]bool{parent: true}
	for _, ev := range history {
		if ev.Type != "TaskSubmitted" && ev.Type != "TaskSucceeded" {
			continue
		}
		b, err := json.Marshal(ev)
		if err != nil {
			continue
		}
		for _, arn := range childARN.FindAllString(string(b), -1) {
			if !seen[arn] {
				seen[arn] = true
				out = append(out, arn)
			}
		}
	}
	return out
}
