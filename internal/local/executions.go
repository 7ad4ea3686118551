package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
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

// WriteHistory writes the execution and its history, and those of its child executions, as
// JSON files into dir and returns the path of the execution's file.
func (rt *Runtime) WriteHistory(ctx context.Context, arn, dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("creating the history folder: %w", err)
	}
	var first string
	queue := []string{arn}
	for len(queue) > 0 {
		a := queue[0]
		queue = queue[1:]
		view, err := rt.view(ctx, a)
		if err != nil {
			return "", err
		}
		data, err := json.MarshalIndent(view, "", "  ")
		if err != nil {
			return "", err
		}
		path := filepath.Join(dir, view.Execution.Name+".json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return "", fmt.Errorf("writing the history: %w", err)
		}
		if first == "" {
			first = path
		}
		queue = append(queue, ChildExecutions(a, view.History)...)
	}
	return first, nil
}

func (rt *Runtime) view(ctx context.Context, arn string) (executionView, error) {
	x, err := rt.Engine.DescribeExecution(ctx, arn)
	if err != nil {
		return executionView{}, err
	}
	history, err := rt.Engine.GetExecutionHistory(ctx, arn)
	if err != nil {
		return executionView{}, err
	}
	return executionView{Execution: x, History: history}, nil
}

// serveExecution shows one execution and its history as JSON.
func (rt *Runtime) serveExecution(w http.ResponseWriter, r *http.Request) {
	arn := rt.ExecutionARN(r.PathValue("workflow"), r.PathValue("name"))
	if arn == "" {
		http.Error(w, "unknown workflow "+r.PathValue("workflow"), http.StatusNotFound)
		return
	}
	view, err := rt.view(r.Context(), arn)
	var missing *engine.ExecutionDoesNotExist
	if errors.As(err, &missing) {
		http.Error(w, "no execution named "+r.PathValue("name"), http.StatusNotFound)
		return
	}
	if err != nil {
		rt.logger.ErrorContext(r.Context(), "reading execution", "execution", arn, "err", err)
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(view)
}
