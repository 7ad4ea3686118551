// Package defs holds what the two halves of the comparison share: the definitions, their
// inputs, the counting handlers and the metrics. It imports neither engine, so each half's
// test binary links only its own engine and measures it in a process of its own: the
// garbage collector of one then does not scan the other's packages.
package defs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// PassChain returns a definition of n Pass states in a row: n transitions.
func PassChain(n int) string {
	var b strings.Builder
	b.WriteString(`{"StartAt": "S0", "States": {`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		if i == n-1 {
			fmt.Fprintf(&b, `"S%d": {"Type": "Pass", "End": true}`, i)
		} else {
			fmt.Fprintf(&b, `"S%d": {"Type": "Pass", "Next": "S%d"}`, i, i+1)
		}
	}
	b.WriteString("}}")
	return b.String()
}

// ChoiceLoop counts to n with a Task that adds one and a Choice that loops: 2n+1 transitions.
// coinbase/step has no intrinsic functions, so a handler does the counting in both engines.
func ChoiceLoop(n int) string {
	return fmt.Sprintf(`{"StartAt": "Inc", "States": {
	  "Inc": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:Inc", "Next": "Check"},
	  "Check": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericLessThan": %d, "Next": "Inc"}], "Default": "Done"},
	  "Done": {"Type": "Succeed"}}}`, n)
}

// MapDefinition runs one Pass state per item, 40 at a time: items+1 transitions.
const MapDefinition = `{"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 40, "ResultPath": "$.results", "End": true,
  "Iterator": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}`

// MapInput returns {"items": [0, 1, ..., n-1]}.
func MapInput(n int) map[string]any {
	items := make([]any, n)
	for i := range items {
		items[i] = float64(i)
	}
	return map[string]any{"items": items}
}

// Counter is the state of the loop.
type Counter struct {
	I float64 `json:"i"`
}

// Increment adds one to the counter.
func Increment(ctx context.Context, in Counter) (Counter, error) {
	return Counter{I: in.I + 1}, nil
}

// IncrementRaw is the counting handler that works on the JSON text: it reads {"i":N} and
// writes {"i":N+1} with strconv, so the only JSON encoding and decoding left around the
// call is each engine's own. Both engines write the counter as an integer.
func IncrementRaw(ctx context.Context, in json.RawMessage) (json.RawMessage, error) {
	num, ok := bytes.CutPrefix(bytes.TrimSpace(in), []byte(`{"i":`))
	if num, ok = bytes.CutSuffix(num, []byte("}")); !ok {
		return nil, fmt.Errorf("invalid input %s: expected {\"i\":N}", in)
	}
	i, err := strconv.Atoi(string(num))
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, 24)
	out = strconv.AppendInt(append(out, `{"i":`...), int64(i+1), 10)
	return append(out, '}'), nil
}

// Handler is the kind of counting handler of the benchmark's Task. "typed" decodes into a
// Go struct with encoding/json, as an in-process step of this project does. "raw" uses
// IncrementRaw.
type Handler string

// Handlers lists both.
var Handlers = []Handler{"typed", "raw"}

// EngineHandler returns the handler in the form of the project's engine.Handler.
func (h Handler) EngineHandler() func(context.Context, json.RawMessage) (json.RawMessage, error) {
	if h == "raw" {
		return IncrementRaw
	}
	return func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
		var c Counter
		if err := json.Unmarshal(p, &c); err != nil {
			return nil, err
		}
		c, _ = Increment(ctx, c)
		return json.Marshal(c)
	}
}

// StepHandler returns the coinbase/step form: a function that its reflection calls after
// decoding the input into the function's parameter type.
func (h Handler) StepHandler() any {
	if h == "raw" {
		return IncrementRaw
	}
	return Increment
}

// Meter measures a benchmark loop.
type Meter struct {
	b     *testing.B
	start time.Time
	cpu0  time.Duration
}

// Start resets the benchmark's timer and starts measuring.
func Start(b *testing.B) *Meter {
	b.ReportAllocs()
	b.ResetTimer()
	return &Meter{b: b, start: time.Now(), cpu0: cpuTime()}
}

// Report adds transitions per second of wall time, and CPU time per transition, which
// varies less than wall time on a shared machine.
func (m *Meter) Report(transitions int) {
	total := float64(transitions * m.b.N)
	m.b.ReportMetric(total/time.Since(m.start).Seconds(), "transitions/s")
	m.b.ReportMetric(float64(cpuTime()-m.cpu0)/total, "cpu-ns/transition")
}

// cpuTime returns the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
