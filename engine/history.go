package engine

import (
	"encoding/json"
	"time"
)

// HistoryEvent is one event of an execution history, shaped like the events of
// GetExecutionHistory: Type is the AWS event type (ExecutionStarted, TaskStateEntered, ...)
// and Details the fields of its *EventDetails object.
type HistoryEvent struct {
	ID              int64          `json:"id"`
	PreviousEventID int64          `json:"previousEventId"`
	Timestamp       time.Time      `json:"timestamp"`
	Type            string         `json:"type"`
	Details         map[string]any `json:"-"`
}

// detailsKey returns the name AWS gives the details object of an event type, such as
// "taskScheduledEventDetails" for TaskScheduled.
func detailsKey(eventType string) string {
	switch eventType {
	case "PassStateEntered", "TaskStateEntered", "ChoiceStateEntered", "WaitStateEntered",
		"SucceedStateEntered", "FailStateEntered", "ParallelStateEntered", "MapStateEntered":
		return "stateEnteredEventDetails"
	case "PassStateExited", "TaskStateExited", "ChoiceStateExited", "WaitStateExited",
		"SucceedStateExited", "ParallelStateExited", "MapStateExited":
		return "stateExitedEventDetails"
	case "MapIterationStarted", "MapIterationSucceeded", "MapIterationFailed", "MapIterationAborted":
		return "mapIterationStartedEventDetails"
	}
	if eventType == "" {
		return ""
	}
	return string(eventType[0]+'a'-'A') + eventType[1:] + "EventDetails"
}

// MarshalJSON writes the event as the API does, with its details under their AWS key.
func (h HistoryEvent) MarshalJSON() ([]byte, error) {
	m := map[string]any{
		"id":        h.ID,
		"timestamp": h.Timestamp,
		"type":      h.Type,
	}
	if h.PreviousEventID != 0 {
		m["previousEventId"] = h.PreviousEventID
	}
	if h.Details != nil {
		m[detailsKey(h.Type)] = h.Details
	}
	return json.Marshal(m)
}

// jsonText is a history detail that holds a value and becomes its JSON text when the history
// is read, so a transition does not pay for encoding unless someone looks. Values in the
// engine are never modified after they are made, so the text is the one at the event.
type jsonText struct{ v any }

var notTruncated = map[string]any{"truncated": false}

// renderDetails returns details with every jsonText written out, and nested maps copied so
// callers cannot change the stored history.
func renderDetails(d map[string]any) map[string]any {
	if d == nil {
		return nil
	}
	out := make(map[string]any, len(d))
	for k, v := range d {
		switch x := v.(type) {
		case jsonText:
			out[k] = jsonString(x.v)
		case map[string]any:
			out[k] = renderDetails(x)
		default:
			out[k] = v
		}
	}
	return out
}

// record appends an event to the execution history and returns its id. A thread that is
// silent (inside a distributed Map, whose events AWS keeps in child executions) records nothing.
func (th *thread) record(eventType string, details map[string]any) int64 {
	if th.silent {
		return th.prev
	}
	x := th.x
	now := th.e.clock.Now()
	x.mu.Lock()
	id := int64(len(x.history) + 1)
	x.history = append(x.history, HistoryEvent{ID: id, PreviousEventID: th.prev, Timestamp: now, Type: eventType, Details: details})
	x.mu.Unlock()
	th.prev = id
	return id
}
