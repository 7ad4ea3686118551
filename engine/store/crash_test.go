package store

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

const (
	crashDBEnv      = "ENGINE_STORE_CRASH_DB"
	killAtEnv       = "ENGINE_STORE_KILL_AT" // the helper kills itself before this commit's COMMIT
	crashExecutions = 4
)

// TestCrashHelperProcess is not a test: TestKilledProcess runs the test binary with
// crashDBEnv set, and this function then commits steps until the process is killed.
func TestCrashHelperProcess(t *testing.T) {
	path := os.Getenv(crashDBEnv)
	if path == "" {
		return // only the processes that the crash tests start do something
	}
	ctx := context.Background()
	s, err := Open(ctx, path, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	putMachine(t, s)
	if n, _ := strconv.ParseInt(os.Getenv(killAtEnv), 10, 64); n > 0 {
		var commits atomic.Int64
		s.beforeCommit = func() {
			if commits.Add(1) == n {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
				select {} // block until the signal ends the process, so COMMIT never runs
			}
		}
	}
	var out sync.Mutex
	var wg sync.WaitGroup
	for i := range crashExecutions {
		arn := executionARN(fmt.Sprintf("crash-%d", i))
		x, _, err := s.CreateExecution(ctx, Execution{ARN: arn, Name: fmt.Sprintf("crash-%d", i), StateMachineARN: machineARN, Input: `{"user":"ada"}`, StartedAt: t0})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Resume where the last run stopped, as a restarted engine does.
			for last := x.LastEventID; ; last += 2 {
				if err := s.Commit(ctx, crashStep(arn, last)); err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(2)
				}
				out.Lock()
				_, err := fmt.Printf("committed %s %d\n", arn, last+2)
				out.Unlock()
				if err != nil {
					os.Exit(3) // the test has gone away
				}
			}
		}()
	}
	wg.Wait()
}

// crashStep is step number after/2 of execution arn: a transition with a token and a timer
// that replace the previous step's, so a half-written step would leave two of either.
func crashStep(arn string, after int64) Step {
	st := transition(arn, "", after, fmt.Sprintf("S%d", after+2))
	st.AddTokens = []Token{{Token: fmt.Sprintf("%s#%d", arn, after+2), Deadline: t0.Add(time.Duration(after) * time.Minute)}}
	st.SetTimers = []Timer{{FireAt: t0.Add(time.Duration(after+2) * time.Second)}}
	if after > 0 {
		st.RemoveTokens = []string{fmt.Sprintf("%s#%d", arn, after)}
	}
	return st
}

// TestKilledProcess kills a process with SIGKILL in the middle of a stream of commits, three
// times on one database, and checks after each kill that every acknowledged step is there,
// whole, and that no event is missing or recorded twice.
func TestKilledProcess(t *testing.T) {
	_, path := openTest(t)
	acked := map[string]int64{}
	for round := range 3 {
		runUntilKilled(t, path, acked, 200)
		s, err := Open(context.Background(), path, Options{})
		if err != nil {
			t.Fatalf("round %d: reopening after the kill: %v", round, err)
		}
		checkCrashedStore(t, s, acked)
		s.Close()
	}
}

// runUntilKilled starts the helper process and kills it once it acknowledged n commits.
func runUntilKilled(t *testing.T, path string, acked map[string]int64, n int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashDBEnv+"="+path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the helper process: %v", err)
	}
	lines := bufio.NewScanner(stdout)
	for seen := 0; seen < n && lines.Scan(); {
		var arn string
		var id int64
		if _, err := fmt.Sscanf(lines.Text(), "committed %s %d", &arn, &id); err != nil {
			continue // test framework output
		}
		acked[arn] = max(acked[arn], id)
		seen++
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("killing the helper process: %v", err)
	}
	err = cmd.Wait()
	if status, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !status.Signaled() {
		t.Fatalf("helper process ended before the kill: %v\n%s", err, stderr.String())
	}
}

func checkCrashedStore(t *testing.T, s *Store, acked map[string]int64) {
	t.Helper()
	all, err := s.RunningExecutions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != crashExecutions {
		t.Fatalf("RunningExecutions = %d, want %d", len(all), crashExecutions)
	}
	for _, r := range all {
		arn, last := r.Execution.ARN, r.Execution.LastEventID
		if last < acked[arn] {
			t.Errorf("%s: last event %d, but the process acknowledged %d", arn, last, acked[arn])
		}
		events := fullHistory(t, s, arn)
		for i, ev := range events {
			if ev.ID != int64(i+1) || ev.PreviousEventID != int64(i) {
				t.Fatalf("%s: event %d has id %d and previous %d, want a gapless history", arn, i+1, ev.ID, ev.PreviousEventID)
			}
		}
		if int64(len(events)) != last || last%2 != 0 {
			t.Errorf("%s: %d events, last event id %d; want equal and even (whole steps)", arn, len(events), last)
		}
		if last == 0 {
			continue
		}
		var pos struct{ State string }
		if len(r.Checkpoints) != 1 || json.Unmarshal(r.Checkpoints[0].Position, &pos) != nil || pos.State != fmt.Sprintf("S%d", last) || r.Checkpoints[0].LastEventID != last {
			t.Errorf("%s: checkpoints %+v do not match last event %d", arn, r.Checkpoints, last)
		}
		if len(r.Tokens) != 1 || r.Tokens[0].Token != fmt.Sprintf("%s#%d", arn, last) {
			t.Errorf("%s: tokens %+v, want only the one of step %d", arn, r.Tokens, last)
		}
		if len(r.Timers) != 1 || !r.Timers[0].FireAt.Equal(t0.Add(time.Duration(last)*time.Second)) {
			t.Errorf("%s: timers %+v, want the one of step %d", arn, r.Timers, last)
		}
	}
}

// TestKilledBeforeCommit makes the helper process kill itself after the writes of its 50th
// commit and before their COMMIT: exactly the 49 commits before it may be in the database.
func TestKilledBeforeCommit(t *testing.T) {
	_, path := openTest(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashDBEnv+"="+path, killAtEnv+"=50")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	if status, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !status.Signaled() {
		t.Fatalf("helper process did not end by its own SIGKILL: %v\n%s", err, stderr.String())
	}

	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatalf("reopening after the kill: %v", err)
	}
	defer s.Close()
	checkCrashedStore(t, s, map[string]int64{})
	all, err := s.RunningExecutions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var steps int64
	for _, r := range all {
		steps += r.Execution.LastEventID / 2
	}
	if steps != 49 {
		t.Errorf("the database holds %d steps, want the 49 committed before the kill", steps)
	}
}
