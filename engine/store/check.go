package store

import (
	"encoding/json"
	"fmt"
)

// checkStep returns *InvalidStep for a step that Commit must not write.
func checkStep(step Step) error {
	if step.ExecutionARN == "" {
		return &InvalidStep{Reason: "ExecutionARN is empty"}
	}
	for i, ev := range step.Events {
		if i > 0 && ev.ID != step.Events[i-1].ID+1 {
			return &InvalidStep{Reason: fmt.Sprintf("event ids must be consecutive, but event %d follows event %d", ev.ID, step.Events[i-1].ID)}
		}
		if ev.Type == "" {
			return &InvalidStep{Reason: fmt.Sprintf("event %d has no type", ev.ID)}
		}
		if ev.Details != nil && !json.Valid(ev.Details) {
			return &InvalidStep{Reason: fmt.Sprintf("details of event %d (%s) are not valid JSON", ev.ID, ev.Type)}
		}
	}
	if c := step.Checkpoint; c != nil {
		if err := checkThread(c.Thread); err != nil {
			return &InvalidStep{Reason: "checkpoint: " + err.Error()}
		}
		if !json.Valid(c.Position) {
			return &InvalidStep{Reason: fmt.Sprintf("position of thread %q is not valid JSON", c.Thread)}
		}
	}
	threads := append(append([]string{}, step.EndThreads...), step.EndChildren...)
	threads = append(threads, step.RemoveTimers...)
	for _, t := range step.AddTokens {
		if t.Token == "" {
			return &InvalidStep{Reason: fmt.Sprintf("a task token of thread %q is empty", t.Thread)}
		}
		threads = append(threads, t.Thread)
	}
	for _, t := range step.SetTimers {
		threads = append(threads, t.Thread)
	}
	for _, t := range threads {
		if err := checkThread(t); err != nil {
			return &InvalidStep{Reason: err.Error()}
		}
	}
	for _, r := range step.Results {
		if _, _, err := ParentThread(r.Thread); err != nil {
			return &InvalidStep{Reason: "branch result: " + err.Error()}
		}
		if r.Output != nil && !json.Valid(r.Output) {
			return &InvalidStep{Reason: fmt.Sprintf("output of %q is not valid JSON", r.Thread)}
		}
	}
	if e := step.End; e != nil {
		switch e.Status {
		case StatusSucceeded, StatusFailed, StatusTimedOut, StatusAborted:
		default:
			return &InvalidStep{Reason: fmt.Sprintf("end status %q is invalid: use SUCCEEDED, FAILED, TIMED_OUT or ABORTED", e.Status)}
		}
	}
	return nil
}
