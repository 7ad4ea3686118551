package engine

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/secamo/orchestrator/asl"
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
// is read, so a transition does not pay for encoding it. The engine never modifies a value
// after making it, so the text is the value at the time of the event.
type jsonText struct{ v any }

// renderDetails returns a copy of details with every jsonText written out and nested maps
// copied, so callers cannot change the stored history.
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

// event is a stored history event, kept small because an execution stores two or more per
// transition. The events of entering and leaving a state keep their few fields in place of a
// details map, which render builds when the history is read.
type event struct {
	id, prev int64
	at       int64 // Unix nanoseconds
	typ      string
	details  map[string]any
	state    string         // StateEntered, StateExited: the state's name
	payload  any            // StateEntered: the input; StateExited: the output
	assigned map[string]any // StateExited: the variables the state assigned
}

// timestamp returns the time of the event, in UTC.
func (ev *event) timestamp() time.Time { return time.Unix(0, ev.at).UTC() }

func (ev event) render() HistoryEvent {
	h := HistoryEvent{ID: ev.id, PreviousEventID: ev.prev, Timestamp: ev.timestamp(), Type: ev.typ}
	switch {
	case ev.details != nil:
		h.Details = renderDetails(ev.details)
	case strings.HasSuffix(h.Type, "StateEntered"):
		h.Details = map[string]any{"name": ev.state, "input": jsonString(ev.payload), "inputDetails": map[string]any{"truncated": false}}
	case h.Type == "LambdaFunctionScheduled":
		h.Details = map[string]any{"resource": ev.state, "input": jsonString(ev.payload), "inputDetails": map[string]any{"truncated": false}}
	case h.Type == "LambdaFunctionSucceeded":
		h.Details = map[string]any{"output": jsonString(ev.payload), "outputDetails": map[string]any{"truncated": false}}
	case strings.HasPrefix(h.Type, "MapIteration"):
		h.Details = map[string]any{"name": ev.state, "index": ev.payload}
	case strings.HasSuffix(h.Type, "StateExited"):
		h.Details = map[string]any{"name": ev.state, "output": jsonString(ev.payload), "outputDetails": map[string]any{"truncated": false}}
		if len(ev.assigned) > 0 {
			assigned := make(map[string]any, len(ev.assigned))
			for k, v := range ev.assigned {
				assigned[k] = jsonString(v)
			}
			h.Details["assignedVariables"] = assigned
		}
	}
	return h
}

// record appends an event to the execution history and returns its id. A thread that is
// silent (inside a distributed Map, whose events AWS keeps in child executions) records nothing.
func (th *thread) record(eventType string, details map[string]any) int64 {
	return th.recordEvent(event{typ: eventType, details: details})
}

// recordState records an event whose details are a name and one JSON value: a state entered
// (with its input) or exited (with its output), or a Lambda function scheduled (resource and
// input) or succeeded (output).
func (th *thread) recordState(eventType, name string, payload any, assigned map[string]any) int64 {
	return th.recordEvent(event{typ: eventType, state: name, payload: payload, assigned: assigned})
}

// recordIteration records the start or end of a Map iteration.
func (th *thread) recordIteration(eventType, mapState string, index int) int64 {
	return th.recordEvent(event{typ: eventType, state: mapState, payload: index})
}

func (th *thread) recordEvent(ev event) int64 {
	if th.silent {
		return th.prev
	}
	x := th.x
	ev.at = th.e.clock.Now().UnixNano()
	if th.e.store != nil {
		// The event gets its id when the thread commits; see thread.commit.
		th.buf = append(th.buf, ev)
		return 0
	}
	ev.prev = th.prev
	x.mu.Lock()
	id := x.history.append(ev)
	x.mu.Unlock()
	th.prev = id
	return id
}

// historyChunk is the number of events per chunk of a history log.
const historyChunk = 64

// historyLog stores events in chunks of up to historyChunk events, so a long history grows
// without copying the events it already holds. The first chunk starts at the expected size
// and grows like a slice, so a short execution does not pay for a full chunk.
type historyLog struct {
	chunks [][]event
	n      int
	hint   int // expected number of events, for the first chunk's capacity
}

// append adds ev and returns its id, which is its position counted from 1.
func (l *historyLog) append(ev event) int64 {
	last := len(l.chunks) - 1
	if last < 0 || len(l.chunks[last]) == historyChunk {
		size := historyChunk
		if last < 0 {
			size = min(max(l.hint, 16), historyChunk)
		}
		l.chunks = append(l.chunks, make([]event, 0, size))
		last++
	}
	l.n++
	ev.id = int64(l.n)
	l.chunks[last] = append(l.chunks[last], ev)
	return ev.id
}

// all returns a copy of every event in order.
func (l *historyLog) all() []event {
	out := make([]event, 0, l.n)
	for _, c := range l.chunks {
		out = append(out, c...)
	}
	return out
}

// stateEventTypes lists the entered and exited event types of each state type, so a
// transition does not build them.
var stateEventTypes = map[string][2]string{
	asl.TypePass:     {"PassStateEntered", "PassStateExited"},
	asl.TypeTask:     {"TaskStateEntered", "TaskStateExited"},
	asl.TypeChoice:   {"ChoiceStateEntered", "ChoiceStateExited"},
	asl.TypeWait:     {"WaitStateEntered", "WaitStateExited"},
	asl.TypeSucceed:  {"SucceedStateEntered", "SucceedStateExited"},
	asl.TypeFail:     {"FailStateEntered", "FailStateExited"},
	asl.TypeParallel: {"ParallelStateEntered", "ParallelStateExited"},
	asl.TypeMap:      {"MapStateEntered", "MapStateExited"},
}
