package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/secamo/orchestrator/engine"
)

// Result is the outcome of one case.
type Result struct {
	Case *Case
	// Skipped is set when the case needs something the runner cannot replay, such as an AWS
	// service other than Lambda and Step Functions. Reason names it.
	Skipped bool
	Passed  bool
	Reason  string // the first difference, or the reason for skipping
	// CauseMatched reports whether a FAILED case's cause matched too; causes of Lambda
	// errors carry a Python stack trace and are not compared.
	CauseMatched bool
}

// Runner replays cases on a fresh engine each, on a virtual clock.
type Runner struct {
	// Handlers by handler file name (id_function.py, ...): the Go versions of the functions
	// the recording deployed.
	Handlers map[string]engine.Handler
	// Start is the virtual clock's start; see RecordingTime. Zero means time.Now().
	Start time.Time
	// Timeout bounds the real time of one case; default 30 seconds.
	Timeout time.Duration
	// Children returns the definitions of the child state machines a case starts with
	// states:startExecution, by state machine name, or nil when they are not known. The
	// recordings do not contain them.
	Children func(c *Case) map[string]string
}

// horizon is how far the virtual clock may run before a case that AWS left running is
// stopped: longer than every Wait the recordings expect to finish, shorter than the ones
// they expect to still run.
const horizon = 366 * 24 * time.Hour

var supportedResources = []string{
	"arn:aws:lambda:", "arn:aws:states:::lambda:invoke",
}

// Run replays one case.
func (r *Runner) Run(ctx context.Context, c *Case) Result {
	res := Result{Case: c}
	if reason := r.unsupported(c); reason != "" {
		res.Skipped, res.Reason = true, reason
		return res
	}
	timeout := r.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	start := r.Start
	if start.IsZero() {
		start = time.Now()
	}
	clock := engine.NewVirtualClock(start)
	handlers := map[string]engine.Handler{}
	for _, l := range c.Lambdas {
		handlers[l.FuncName] = r.Handlers[l.HandlerFile]
	}
	eng := engine.New(engine.Options{
		Clock:    clock,
		Handlers: handlers,
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		Account:  "111111111111",
	})
	for name, def := range r.children(c) {
		if _, err := eng.CreateStateMachine(ctx, name, []byte(def), nil); err != nil {
			res.Reason = "child definition rejected: " + err.Error()
			return res
		}
	}
	arn, err := eng.CreateStateMachine(ctx, "conformance", c.Definition, nil)
	if err != nil {
		res.Reason = "definition rejected: " + err.Error()
		return res
	}
	input := "{}"
	if c.Input != nil {
		input = *c.Input
	}
	execARN, err := eng.StartExecution(ctx, arn, "replay", input)
	if err != nil {
		res.Reason = "start rejected: " + err.Error()
		return res
	}
	clock.AfterFunc(horizon, func() {
		_ = eng.StopExecution(ctx, execARN, "Horizon", "the virtual clock reached the replay horizon")
	})
	x, err := eng.Wait(ctx, execARN)
	if err != nil {
		res.Reason = "execution did not finish: " + err.Error()
		_ = eng.StopExecution(context.Background(), execARN, "Timeout", "")
		return res
	}
	hist, _ := eng.GetExecutionHistory(ctx, execARN)
	res.Passed, res.Reason, res.CauseMatched = compare(c, x, hist)
	return res
}

func (r *Runner) children(c *Case) map[string]string {
	if r.Children == nil {
		return nil
	}
	return r.Children(c)
}

// unsupported returns why a case cannot be replayed, or "".
func (r *Runner) unsupported(c *Case) string {
	for _, res := range c.TaskResources {
		ok := strings.HasPrefix(res, "arn:aws:states:::states:startExecution") && r.children(c) != nil
		for _, p := range supportedResources {
			if strings.HasPrefix(res, p) {
				ok = true
			}
		}
		if !ok {
			return "task resource " + res + " is not emulated"
		}
	}
	for _, l := range c.Lambdas {
		if r.Handlers[l.HandlerFile] == nil {
			return "no handler for " + l.HandlerFile
		}
	}
	if c.Expected.Status == "ABORTED" {
		return "the recording stopped the execution at a moment the case does not record"
	}
	return ""
}

func compare(c *Case, x *engine.Execution, hist []engine.HistoryEvent) (bool, string, bool) {
	want := c.Expected
	status := x.Status
	if want.Status == "RUNNING_OR_INCOMPLETE" {
		if x.Status == engine.StatusAborted && x.Error == "Horizon" {
			status = want.Status
		}
	}
	if status != want.Status {
		return false, fmt.Sprintf("status %s (%s: %s), want %s", x.Status, x.Error, trim(x.Cause), want.Status), false
	}
	causeMatched := true
	switch want.Status {
	case engine.StatusSucceeded:
		wantOut := want.Output
		if want.OutputIsRawText {
			s, _ := want.Output.(string)
			if err := json.Unmarshal([]byte(s), &wantOut); err != nil {
				wantOut = s
			}
		}
		var got any
		if err := json.Unmarshal([]byte(x.Output), &got); err != nil {
			return false, "output is not JSON: " + err.Error(), false
		}
		if ok, diff := Match(wantOut, got); !ok {
			return false, "output: " + diff, false
		}
	case engine.StatusFailed:
		wantErr := ""
		if want.Error != nil {
			wantErr = *want.Error
		}
		if x.Error != wantErr {
			return false, fmt.Sprintf("error %q (%s), want %q", x.Error, trim(x.Cause), wantErr), false
		}
		causeMatched = matchCause(want.Cause, x.Cause)
	}
	if !c.HistoryNormalizedByTest && c.HistoryEventTypes != nil {
		wantHist := c.HistoryEventTypes
		if strings.Contains(c.ID, "reverseOrder[True]") {
			// This recording asked for the history newest first.
			wantHist = slices.Clone(wantHist)
			slices.Reverse(wantHist)
		}
		if ok, diff := matchHistory(wantHist, hist, want.Status == "RUNNING_OR_INCOMPLETE"); !ok {
			return false, "history: " + diff, causeMatched
		}
	}
	return true, "", causeMatched
}

func matchCause(want any, got string) bool {
	if want == nil {
		return got == ""
	}
	if s, ok := want.(string); ok {
		ok, _ := Match(s, got)
		return ok
	}
	var g any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		return false
	}
	ok, _ := Match(want, g)
	return ok
}

// matchHistory compares event types in order; where Map iterations or Parallel branches
// interleave, it compares them as a multiset. A running case is compared up to where the
// runner stopped it.
func matchHistory(want []string, hist []engine.HistoryEvent, running bool) (bool, string) {
	got := make([]string, 0, len(hist))
	for _, h := range hist {
		got = append(got, h.Type)
	}
	if running {
		n := len(want)
		if n > len(got) {
			n = len(got)
		}
		got = got[:n]
	}
	if strings.Join(got, " ") == strings.Join(want, " ") {
		return true, ""
	}
	concurrent := false
	for _, t := range want {
		if strings.HasPrefix(t, "Map") || strings.HasPrefix(t, "Parallel") {
			concurrent = true
		}
	}
	if concurrent && len(got) == len(want) {
		a := append([]string(nil), got...)
		b := append([]string(nil), want...)
		sort.Strings(a)
		sort.Strings(b)
		if strings.Join(a, " ") == strings.Join(b, " ") {
			return true, ""
		}
	}
	for i := range want {
		if i >= len(got) || got[i] != want[i] {
			g := "end of history"
			if i < len(got) {
				g = got[i]
			}
			return false, fmt.Sprintf("event %d is %s, want %s (got %d events, want %d)", i+1, g, want[i], len(got), len(want))
		}
	}
	return false, fmt.Sprintf("got %d events, want %d; extra %s", len(got), len(want), got[len(want)])
}

func trim(s string) string {
	if len(s) > 160 {
		return s[:160] + "..."
	}
	return s
}

func jsonMarshal(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
