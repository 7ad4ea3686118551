package engine

import (
	"encoding/json"
	"strings"
	"sync"
	"sync/atomic"
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
	return th.recordEvent(eventType, details, "", nil, nil)
}

// recordState records an event whose details are a name and one JSON value: a state entered
// (with its input) or exited (with its output), or a Lambda function scheduled (resource and
// input) or succeeded (output).
func (th *thread) recordState(eventType, name string, payload any, assigned map[string]any) int64 {
	return th.recordEvent(eventType, nil, name, payload, assigned)
}

// recordIteration records the start or end of a Map iteration.
func (th *thread) recordIteration(eventType, mapState string, index int) int64 {
	return th.recordEvent(eventType, nil, mapState, index, nil)
}

// recordEvent records an event with the fields of event. It writes them straight into the
// history, as the execution records at least two events per transition.
func (th *thread) recordEvent(typ string, details map[string]any, state string, payload any, assigned map[string]any) int64 {
	if th.silent {
		return th.prev
	}
	x := th.x
	at := th.e.unixNano()
	if th.e.store != nil {
		// The event gets its id when the thread commits; see thread.commit.
		th.buf = append(th.buf, event{at: at, typ: typ, details: details, state: state, payload: payload, assigned: assigned})
		return 0
	}
	if th.shared {
		x.history.writers.Lock()
	}
	ev, id := x.history.next()
	ev.prev, ev.at, ev.typ, ev.details, ev.state, ev.payload, ev.assigned = th.prev, at, typ, details, state, payload, assigned
	if th.shared {
		x.history.publish()
		x.history.writers.Unlock()
	}
	th.prev = id
	return id
}

// publish makes the events this thread recorded visible to readers of the history. A thread
// that runs alone records without publishing each event. It publishes at the end of each
// transition and before anything that can block or hand the history to other threads: a
// handler call, a wait, a retry's sleep, a task token, Map iterations or Parallel branches,
// and the end of the execution.
func (th *thread) publish() {
	if !th.shared && th.e.store == nil {
		th.x.history.publish()
	}
}

// historyChunk is the number of events per chunk of a history log.
const historyChunk = 64

// historyLog stores events in chunks, so a long history grows without copying the events it
// already holds. The first chunk has room for the expected number of events, up to
// historyChunk, so a short execution does not pay for a full chunk. The others have room for
// historyChunk each.
//
// One thread at a time appends, without a lock: the top-level thread, or the one iteration
// or branch that runs alone. Threads that run concurrently (see thread.shared) take writers
// first. Readers need no lock: append writes an event past the published count, publish
// stores the new count, and a reader reads the count first and only the events below it.
type historyLog struct {
	writers sync.Mutex
	table   atomic.Pointer[historyTable]
	written int          // events appended; only writers use it
	n       atomic.Int64 // events published
	hint    int          // expected number of events, for the first chunk's capacity
	pool    *sync.Pool   // full chunks to reuse (*[]event), or nil
}

// historyTable is the published list of chunks.
type historyTable struct {
	chunks [][]event
	first  int // capacity of the first chunk
}

// locate returns the chunk and offset of the event at position p (its id minus one).
func (t *historyTable) locate(p int) (int, int) {
	if p < t.first {
		return 0, p
	}
	q := p - t.first
	return 1 + q/historyChunk, q % historyChunk
}

// append adds ev and returns its id. Readers see it after publish. The caller makes sure
// that no other append runs at the same time.
func (l *historyLog) append(ev event) int64 {
	slot, id := l.next()
	*slot = ev
	slot.id = id
	return id
}

// next returns the slot of the next event, with its id already set, which is its position
// counted from 1. Readers see it after publish. The caller makes sure that no other append
// runs at the same time.
func (l *historyLog) next() (*event, int64) {
	p := l.written
	t := l.table.Load()
	if t == nil {
		t = &historyTable{first: min(max(l.hint, 16), historyChunk)}
	}
	c, off := t.locate(p)
	if c == len(t.chunks) {
		// The new table shares the old one's array; appending writes past the end that
		// readers of the old table see.
		t = &historyTable{chunks: append(t.chunks, l.newChunk(c, t.first)), first: t.first}
		l.table.Store(t)
	}
	l.written++
	slot := &t.chunks[c][off]
	slot.id = int64(p + 1)
	return slot, slot.id
}

// newChunk returns chunk c: a full one from the pool when there is one, else a new one of
// first events for the first chunk and historyChunk for the others.
func (l *historyLog) newChunk(c, first int) []event {
	if c > 0 || first == historyChunk {
		if l.pool != nil {
			if chunk, ok := l.pool.Get().(*[]event); ok {
				return *chunk
			}
		}
		return make([]event, historyChunk)
	}
	return make([]event, first)
}

// release clears the full chunks and puts them in pool, and empties the log. The caller
// makes sure that nothing reads or writes the log any more.
func (l *historyLog) release(pool *sync.Pool) {
	t := l.table.Load()
	l.table.Store(nil)
	l.n.Store(0)
	l.written = 0
	if t == nil {
		return
	}
	for _, chunk := range t.chunks {
		if len(chunk) == historyChunk {
			clear(chunk)
			pool.Put(&chunk)
		}
	}
}

// publish makes every appended event visible to readers.
func (l *historyLog) publish() {
	if int(l.n.Load()) != l.written {
		l.n.Store(int64(l.written))
	}
}

// len returns the number of events.
func (l *historyLog) len() int { return int(l.n.Load()) }

// at returns the event at position p, which must be below len.
func (l *historyLog) at(p int) event {
	t := l.table.Load()
	c, off := t.locate(p)
	return t.chunks[c][off]
}

// all returns a copy of every event in order.
func (l *historyLog) all() []event {
	n := l.len()
	out := make([]event, 0, n)
	if n == 0 {
		return out
	}
	t := l.table.Load()
	for _, c := range t.chunks {
		out = append(out, c[:min(len(c), n-len(out))]...)
		if len(out) == n {
			break
		}
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
