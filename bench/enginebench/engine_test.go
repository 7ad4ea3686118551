// Package enginebench measures the project's engine on the definitions of package defs.
// Package stepbench measures coinbase/step on the same ones, in a process of its own.
package enginebench

import (
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/secamo/orchestrator/bench/defs"
	"github.com/secamo/orchestrator/engine"
)

// run runs def on the engine: with StartSyncExecution, which runs on the calling goroutine
// as coinbase/step's Execute does, or with StartExecution and Wait when async is set.
func run(b *testing.B, def string, input any, transitions int, h defs.Handler, async bool) {
	e := engine.New(engine.Options{
		Clock:  engine.NewVirtualClock(time.Unix(0, 0)),
		Logger: slog.New(slog.DiscardHandler),
		// coinbase/step keeps no finished execution; the engine keeps the last one.
		MaxFinishedExecutions: 1,
		Handlers:              map[string]engine.Handler{"Inc": h.EngineHandler()},
	})
	ctx := context.Background()
	arn, err := e.CreateStateMachine(ctx, "bench", []byte(def), nil)
	if err != nil {
		b.Fatal(err)
	}
	in, _ := json.Marshal(input)
	m := defs.Start(b)
	for range b.N {
		res, err := startAndWait(ctx, e, arn, string(in), async)
		if err != nil {
			b.Fatal(err)
		}
		if res.Status != engine.StatusSucceeded {
			b.Fatalf("execution ended %s: %s: %s", res.Status, res.Error, res.Cause)
		}
	}
	m.Report(transitions)
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

func BenchmarkPassChain(b *testing.B) {
	in := map[string]any{"n": 1.0}
	b.Run("engine/1000", func(b *testing.B) { run(b, defs.PassChain(1000), in, 1000, "", false) })
	b.Run("engine/120", func(b *testing.B) { run(b, defs.PassChain(120), in, 120, "", false) })
	b.Run("engine-async/120", func(b *testing.B) { run(b, defs.PassChain(120), in, 120, "", true) })
}

func BenchmarkChoiceLoop(b *testing.B) {
	in := map[string]any{"i": 0.0}
	for _, h := range defs.Handlers {
		b.Run(string(h)+"/engine/10000", func(b *testing.B) { run(b, defs.ChoiceLoop(10000), in, 2*10000+1, h, false) })
		b.Run(string(h)+"/engine/60", func(b *testing.B) { run(b, defs.ChoiceLoop(60), in, 2*60+1, h, false) })
		b.Run(string(h)+"/engine-async/60", func(b *testing.B) { run(b, defs.ChoiceLoop(60), in, 2*60+1, h, true) })
	}
}

func BenchmarkMap10000(b *testing.B) {
	b.Run("engine", func(b *testing.B) { run(b, defs.MapDefinition, defs.MapInput(10000), 10000+1, "", false) })
}
