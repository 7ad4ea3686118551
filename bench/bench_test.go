// Package bench compares the transitions per second of the project's ASL engine with
// github.com/coinbase/step v1.0.6, an earlier Go implementation of the States Language. It is
// a module of its own, so the project does not depend on coinbase/step. Run it with
// "cd bench && go test -bench . -benchmem".
//
// coinbase/step stops every execution that records more than 250 history events ("State
// Overflow") and runs Map iterations one after another. It is therefore measured on the
// largest definitions it accepts. The engine runs those same definitions and the full sizes.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coinbase/step/machine"
	"github.com/secamo/orchestrator/engine"
)

// passChain returns a definition of n Pass states in a row.
func passChain(n int) string {
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

// choiceLoop counts to n with a Task that adds one and a Choice that loops: 2n+1 transitions.
// coinbase/step has no intrinsic functions, so a handler does the counting in both engines.
func choiceLoop(n int) string {
	return fmt.Sprintf(`{"StartAt": "Inc", "States": {
	  "Inc": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:Inc", "Next": "Check"},
	  "Check": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericLessThan": %d, "Next": "Inc"}], "Default": "Done"},
	  "Done": {"Type": "Succeed"}}}`, n)
}

const mapDefinition = `{"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 40, "ResultPath": "$.results", "End": true,
  "Iterator": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}`

func mapInput(n int) map[string]any {
	items := make([]any, n)
	for i := range items {
		items[i] = float64(i)
	}
	return map[string]any{"items": items}
}

type counter struct {
	I float64 `json:"i"`
}

func increment(ctx context.Context, in counter) (counter, error) {
	return counter{I: in.I + 1}, nil
}

// incrementRaw is the counting handler that works on the JSON text: it reads {"i":N} and
// writes {"i":N+1} with strconv, so the only JSON encoding and decoding left around the
// call is each engine's own. Both engines write the counter as an integer.
func incrementRaw(ctx context.Context, in json.RawMessage) (json.RawMessage, error) {
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

// handler is how the benchmark's Task counts. "typed" decodes into a Go struct with
// encoding/json, as an in-process step of this project does. "raw" uses incrementRaw.
type handler string

// engineHandler returns the engine form of the counting handler.
func (h handler) engineHandler() engine.Handler {
	if h == "raw" {
		return incrementRaw
	}
	return func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
		var c counter
		if err := json.Unmarshal(p, &c); err != nil {
			return nil, err
		}
		c, _ = increment(ctx, c)
		return json.Marshal(c)
	}
}

// stepHandler returns the coinbase/step form: a function that its reflection calls after
// decoding the input into the function's parameter type.
func (h handler) stepHandler() any {
	if h == "raw" {
		return incrementRaw
	}
	return increment
}

// runEngine runs def on the engine: with StartSyncExecution, which runs on the calling
// goroutine as coinbase/step's Execute does, or with StartExecution and Wait when async is set.
func runEngine(b *testing.B, def string, input any, transitions int, h handler, async bool) {
	e := engine.New(engine.Options{
		Clock:  engine.NewVirtualClock(time.Unix(0, 0)),
		Logger: slog.New(slog.DiscardHandler),
		// coinbase/step keeps no finished execution; the engine keeps the last one.
		MaxFinishedExecutions: 1,
		Handlers:              map[string]engine.Handler{"Inc": h.engineHandler()},
	})
	ctx := context.Background()
	arn, err := e.CreateStateMachine(ctx, "bench", []byte(def), nil)
	if err != nil {
		b.Fatal(err)
	}
	in, _ := json.Marshal(input)
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	for range b.N {
		res, err := startAndWait(ctx, e, arn, string(in), async)
		if err != nil {
			b.Fatal(err)
		}
		if res.Status != engine.StatusSucceeded {
			b.Fatalf("execution ended %s: %s: %s", res.Status, res.Error, res.Cause)
		}
	}
	report(b, start, cpu0, transitions)
}

func startAndWait(ctx context.Context, e *engine.Engine, arn, input string, async bool) (*engine.Execution, error) {
	if !async {
		return e.StartSyncExecution(ctx, arn, "", input)
	}
	x, err := e.StartExecution(ctx, arn, "", input)
	if err != nil {
		return nil, err
	}
	return e.Wait(ctx, x)
}

// cpuTime returns the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// report adds transitions per second of wall time, and CPU time per transition, which
// varies less than wall time on a shared machine.
func report(b *testing.B, start time.Time, cpu0 time.Duration, transitions int) {
	total := float64(transitions * b.N)
	b.ReportMetric(total/time.Since(start).Seconds(), "transitions/s")
	b.ReportMetric(float64(cpuTime()-cpu0)/total, "cpu-ns/transition")
}

func runStep(b *testing.B, def string, input any, transitions int, h handler) {
	sm, err := machine.FromJSON([]byte(def))
	if err != nil {
		b.Fatal(err)
	}
	if strings.Contains(def, `"Inc"`) {
		if err := sm.SetTaskHandler("Inc", h.stepHandler()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	for range b.N {
		if _, err := sm.Execute(input); err != nil {
			b.Fatal(err)
		}
	}
	report(b, start, cpu0, transitions)
}

func BenchmarkPassChain(b *testing.B) {
	in := map[string]any{"n": 1.0}
	b.Run("engine/1000", func(b *testing.B) { runEngine(b, passChain(1000), in, 1000, "", false) })
	b.Run("engine/120", func(b *testing.B) { runEngine(b, passChain(120), in, 120, "", false) })
	b.Run("engine-async/120", func(b *testing.B) { runEngine(b, passChain(120), in, 120, "", true) })
	b.Run("step/120", func(b *testing.B) { runStep(b, passChain(120), in, 120, "") })
}

func BenchmarkChoiceLoop(b *testing.B) {
	in := map[string]any{"i": 0.0}
	for _, h := range []handler{"typed", "raw"} {
		b.Run(string(h)+"/engine/10000", func(b *testing.B) { runEngine(b, choiceLoop(10000), in, 2*10000+1, h, false) })
		b.Run(string(h)+"/engine/60", func(b *testing.B) { runEngine(b, choiceLoop(60), in, 2*60+1, h, false) })
		b.Run(string(h)+"/engine-async/60", func(b *testing.B) { runEngine(b, choiceLoop(60), in, 2*60+1, h, true) })
		b.Run(string(h)+"/step/60", func(b *testing.B) { runStep(b, choiceLoop(60), in, 2*60+1, h) })
	}
}

func BenchmarkMap10000(b *testing.B) {
	in := mapInput(10000)
	b.Run("engine", func(b *testing.B) { runEngine(b, mapDefinition, in, 10000+1, "", false) })
	b.Run("step", func(b *testing.B) { runStep(b, mapDefinition, in, 10000+1, "") })
}
