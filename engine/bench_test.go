package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/secamo/orchestrator/engine/store"
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

// choiceLoop counts to n with a Pass state and a Choice state: 2n+1 transitions.
func choiceLoop(n int) string {
	return fmt.Sprintf(`{"StartAt": "Inc", "States": {
	  "Inc": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "Check"},
	  "Check": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericLessThan": %d, "Next": "Inc"}], "Default": "Done"},
	  "Done": {"Type": "Succeed"}}}`, n)
}

// mapDefinition runs a one-Pass-state processor over every item with MaxConcurrency 40.
const mapDefinition = `{"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 40, "End": true,
  "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}`

func mapInput(n int) string {
	items := make([]int, n)
	for i := range items {
		items[i] = i
	}
	b, _ := json.Marshal(items)
	return string(b)
}

// benchmarkDefinition runs one execution per iteration and reports transitions per second,
// a transition being one state run.
func benchmarkDefinition(b *testing.B, def, input string, transitions int) {
	benchmarkWithStore(b, nil, def, input, transitions)
}

// benchmarkWithStore is benchmarkDefinition on an engine with Options.Store set to s.
func benchmarkWithStore(b *testing.B, s *store.Store, def, input string, transitions int) {
	e := New(Options{Clock: NewVirtualClock(epoch), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), MaxFinishedExecutions: 10, Store: s})
	ctx := context.Background()
	arn, err := e.CreateStateMachine(ctx, "bench", []byte(def), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	for range b.N {
		x, err := e.StartExecution(ctx, arn, "", input)
		if err != nil {
			b.Fatal(err)
		}
		res, err := e.Wait(ctx, x)
		if err != nil || res.Status != StatusSucceeded {
			b.Fatalf("execution ended %v: %v", res, err)
		}
	}
	elapsed := time.Since(start)
	total := float64(transitions) * float64(b.N)
	b.ReportMetric(total/elapsed.Seconds(), "transitions/s")
	b.ReportMetric(float64(cpuTime()-cpu0)/total, "cpu-ns/transition")
}

// cpuTime returns the CPU time the process has used, user and system. CPU time per
// transition varies less than wall time on a shared machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkPassChain1000(b *testing.B) {
	benchmarkDefinition(b, passChain(1000), `{"n": 1}`, 1000)
}

func BenchmarkChoiceLoop10000(b *testing.B) {
	benchmarkDefinition(b, choiceLoop(10000), `{"i": 0}`, 2*10000+1)
}

func BenchmarkMap10000(b *testing.B) {
	benchmarkDefinition(b, mapDefinition, mapInput(10000), 10000+1)
}

// BenchmarkDurablePassChain100 commits every transition to SQLite, with synchronous=FULL
// (the default) and NORMAL.
func BenchmarkDurablePassChain100(b *testing.B) {
	for _, sync := range []string{"FULL", "NORMAL"} {
		b.Run(sync, func(b *testing.B) {
			s, err := store.Open(context.Background(), b.TempDir()+"/engine.db", store.Options{Synchronous: sync})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			benchmarkWithStore(b, s, passChain(100), `{"n": 1}`, 100)
		})
	}
}
