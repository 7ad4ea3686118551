package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/secamo/orchestrator/engine/store"
)

// loadExecutions is the number of executions a load run starts at once.
const loadExecutions = 1000

// loadNext is the state that follows the waitForTaskToken task in tokenChain.
const loadNext = "P10"

// tokenChain returns 20 states: Pass states P0 to P8, the waitForTaskToken task Ask, and
// Pass states P10 to P19.
func tokenChain() string {
	var b strings.Builder
	b.WriteString(`{"StartAt": "P0", "States": {`)
	for i := range 20 {
		if i > 0 {
			b.WriteString(",")
		}
		next := fmt.Sprintf(`"Next": "P%d"`, i+1)
		if i == 8 {
			next = `"Next": "Ask"`
		}
		if i == 19 {
			next = `"End": true`
		}
		if i == 9 {
			fmt.Fprintf(&b, `"Ask": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
			  "TimeoutSeconds": 3600, "ResultPath": "$.answer", "Next": "P10",
			  "Parameters": {"FunctionName": "ask", "Payload": {"token.$": "$$.Task.Token", "execution.$": "$$.Execution.Id"}}}`)
			continue
		}
		fmt.Fprintf(&b, `"P%d": {"Type": "Pass", %s}`, i, next)
	}
	b.WriteString("}}")
	return b.String()
}

// tokenRequest is the payload the Ask task hands its handler.
type tokenRequest struct {
	Token     string `json:"token"`
	Execution string `json:"execution"`
}

// memoryPeak is the highest HeapInuse and Sys that sampleMemory read.
type memoryPeak struct {
	heapInuse, sys atomic.Uint64
	done           chan struct{}
}

// sampleMemory reads runtime.MemStats every interval until stop is closed, then closes done.
func sampleMemory(stop <-chan struct{}, interval time.Duration) *memoryPeak {
	p := &memoryPeak{done: make(chan struct{})}
	go func() {
		defer close(p.done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > p.heapInuse.Load() {
				p.heapInuse.Store(m.HeapInuse)
			}
			if m.Sys > p.sys.Load() {
				p.sys.Store(m.Sys)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	return p
}

// BenchmarkTokenLoad1000 starts 1,000 executions of tokenChain at once, and a second
// goroutine calls SendTaskSuccess for each task token as it arrives. It reports
// executions per second, the p50 and p99 latency from the SendTaskSuccess call to the
// timestamp of the StateEntered event of the next state, the peak HeapInuse and Sys, and
// with the store the size of the database files at the end.
func BenchmarkTokenLoad1000(b *testing.B) {
	for _, mode := range []string{"store", "memory"} {
		b.Run(mode, func(b *testing.B) {
			for range b.N {
				var s *store.Store
				path := b.TempDir() + "/engine.db"
				if mode == "store" {
					var err error
					if s, err = store.Open(context.Background(), path, store.Options{}); err != nil {
						b.Fatal(err)
					}
				}
				runTokenLoad(b, s, path)
				if s != nil {
					s.Close()
				}
			}
		})
	}
}

// runTokenLoad runs one load run on an engine with store s, which may be nil, and reports
// its figures. path is the database file of s.
func runTokenLoad(b *testing.B, s *store.Store, path string) {
	ctx := context.Background()
	runtime.GC()
	requests := make(chan tokenRequest, loadExecutions)
	e := New(Options{
		Logger:                slog.New(slog.NewTextHandler(io.Discard, nil)),
		MaxFinishedExecutions: 2 * loadExecutions,
		Store:                 s,
		Handlers: map[string]Handler{"ask": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
			var r tokenRequest
			if err := json.Unmarshal(p, &r); err != nil {
				return nil, err
			}
			requests <- r
			return json.RawMessage(`{}`), nil
		}},
	})
	defer e.Close()
	arn, err := e.CreateStateMachine(ctx, "load", []byte(tokenChain()), nil)
	if err != nil {
		b.Fatal(err)
	}

	stop := make(chan struct{})
	peak := sampleMemory(stop, 10*time.Millisecond)
	var mu sync.Mutex
	sent := make(map[string]time.Time, loadExecutions)
	answered := make(chan struct{})
	go func() {
		defer close(answered)
		for range loadExecutions {
			r := <-requests
			mu.Lock()
			sent[r.Execution] = time.Now()
			mu.Unlock()
			if err := e.SendTaskSuccess(ctx, r.Token, `{"approved": true}`); err != nil {
				b.Errorf("SendTaskSuccess for %s: %v", r.Execution, err)
			}
		}
	}()

	start := time.Now()
	arns := make([]string, loadExecutions)
	for i := range arns {
		if arns[i], err = e.StartExecution(ctx, arn, fmt.Sprintf("load-%d", i), `{"n": 1}`); err != nil {
			b.Fatal(err)
		}
	}
	for _, x := range arns {
		res, err := e.Wait(ctx, x)
		if err != nil || res.Status != StatusSucceeded {
			b.Fatalf("execution %s ended %v: %v", x, res, err)
		}
	}
	elapsed := time.Since(start)
	<-answered
	close(stop)
	<-peak.done

	latencies := make([]time.Duration, 0, loadExecutions)
	for _, x := range arns {
		latencies = append(latencies, nextStateLatency(b, e, x, sent[x]))
	}
	slices.Sort(latencies)
	b.ReportMetric(float64(loadExecutions)/elapsed.Seconds(), "executions/s")
	b.ReportMetric(latencies[len(latencies)/2].Seconds()*1000, "p50-ms")
	b.ReportMetric(latencies[len(latencies)*99/100].Seconds()*1000, "p99-ms")
	b.ReportMetric(float64(peak.heapInuse.Load())/(1<<20), "peak-heapinuse-MiB")
	b.ReportMetric(float64(peak.sys.Load())/(1<<20), "peak-sys-MiB")
	if s != nil {
		b.ReportMetric(float64(fileSize(path))/(1<<20), "db-MiB")
		b.ReportMetric(float64(fileSize(path+"-wal"))/(1<<20), "wal-MiB")
	}
}

// nextStateLatency returns the time from sent to the StateEntered event of loadNext.
func nextStateLatency(b *testing.B, e *Engine, x string, sent time.Time) time.Duration {
	events, err := e.GetExecutionHistory(context.Background(), x)
	if err != nil {
		b.Fatal(err)
	}
	for _, ev := range events {
		if ev.Type == "PassStateEntered" && ev.Details["name"] == loadNext {
			if sent.IsZero() {
				b.Fatalf("execution %s entered %s without a SendTaskSuccess", x, loadNext)
			}
			return ev.Timestamp.Sub(sent)
		}
	}
	b.Fatalf("execution %s has no PassStateEntered event for %s", x, loadNext)
	return 0
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}
