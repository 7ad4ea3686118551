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
