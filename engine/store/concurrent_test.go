package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

// TestConcurrentWriters runs many goroutines, one execution each, on two Store values that
// share one file, as two processes would, with readers in between. No commit may fail with
// SQLITE_BUSY and no event may be lost.
func TestConcurrentWriters(t *testing.T) {
	first, path := openTest(t)
	second, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	putMachine(t, first)

	const writers, steps = 24, 40
	var wg sync.WaitGroup
	for w := range writers {
		s := first
		if w%2 == 1 {
			s = second
		}
		arn := startExecution(t, s, fmt.Sprintf("w-%d", w))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range steps {
				step := transition(arn, "", int64(2*i), "S")
				if err := s.Commit(context.Background(), step); err != nil {
					t.Errorf("Commit %s step %d = %v", arn, i, err)
					return
				}
				if i%10 == 0 {
					if _, err := s.ListExecutions(context.Background(), ListQuery{Status: StatusRunning}); err != nil {
						t.Errorf("ListExecutions = %v", err)
					}
				}
			}
		}()
	}
	wg.Wait()

	all, err := first.RunningExecutions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != writers {
		t.Fatalf("RunningExecutions = %d, want %d", len(all), writers)
	}
	for _, r := range all {
		if r.Execution.LastEventID != 2*steps || len(fullHistory(t, first, r.Execution.ARN)) != 2*steps {
			t.Errorf("%s: last event %d, want %d", r.Execution.ARN, r.Execution.LastEventID, 2*steps)
		}
	}
}
