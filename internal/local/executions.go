package local

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/secamo/orchestrator/engine"
)

// executionView is the JSON of GET /executions/{workflow}/{name}.
type executionView struct {
	Execution *engine.Execution     `json:"execution"`
	History   []engine.HistoryEvent `json:"history"`
}

// ExecutionARN returns the ARN of the named execution of a workflow, or "" when the
// workflow does not exist.
func (rt *Runtime) ExecutionARN(workflow, name string) string {
	machine, ok := rt.Workflows[workflow]
	if !ok {
		return ""
	}
	return strings.Replace(machine, ":stateMachine:", ":execution:", 1) + ":" + name
}

// serveExecution shows one execution and its history as JSON.
func (rt *Runtime) serveExecution(w http.ResponseWriter, r *http.Request) {
	arn := rt.ExecutionARN(r.PathValue("workflow"), r.PathValue("name"))
	if arn == "" {
		http.Error(w, "unknown workflow "+r.PathValue("workflow"), http.StatusNotFound)
		return
	}
	x, err := rt.Engine.DescribeExecution(r.Context(), arn)
	var missing *engine.ExecutionDoesNotExist
	if errors.As(err, &missing) {
		http.Error(w, "no execution named "+r.PathValue("name"), http.StatusNotFound)
		return
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	history, err := rt.Engine.GetExecutionHistory(r.Context(), arn)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(executionView{Execution: x, History: history})
}
