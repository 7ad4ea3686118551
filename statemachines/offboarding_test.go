package statemachines

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secamo/orchestrator/adapters/identity"
	"github.com/secamo/orchestrator/approvals"
	"github.com/secamo/orchestrator/engine"
	"github.com/secamo/orchestrator/lambdas"
	"github.com/secamo/orchestrator/lambdas/offboarding/fake"
	"github.com/secamo/orchestrator/lambdas/triage"
)

// maxTransitions is the design budget of one offboarding, the parent and the
// revoke-user-access child together: at $0.025 per 1,000 state transitions (the Standard
// workflow price in us-east-1), 40 transitions cost $0.001.
const maxTransitions = 40

var _ Creator = (*engine.Engine)(nil)

// approver plays the approval service: the fake RequestApproval step records each request
// and answers it with decide, through the engine's task-token calls.
type approver struct {
	eng    *engine.Engine
	decide func(level int) (approvals.Decision, bool) // false: never answer
	mu     sync.Mutex
	levels []int
}

func (a *approver) handler(ctx context.Context, payload json.RawMessage) (json.RawMessage, error) {
	var in struct {
		TaskToken string `json:"taskToken"`
		Level     int    `json:"level"`
	}
	if err := json.Unmarshal(payload, &in); err != nil {
		return nil, err
	}
	a.mu.Lock()
	a.levels = append(a.levels, in.Level)
	a.mu.Unlock()
	decision, answer := a.decide(in.Level)
	if !answer {
		return json.RawMessage(`{}`), nil
	}
	result, err := json.Marshal(approvals.Result{Decision: decision, Approver: "it-manager@example.com", Comment: "checked with HR", Level: in.Level, Via: "link"})
	if err != nil {
		return nil, err
	}
	if decision == approvals.Reject {
		err = a.eng.SendTaskFailure(ctx, in.TaskToken, approvals.RejectedErrorName, string(result))
	} else {
		err = a.eng.SendTaskSuccess(ctx, in.TaskToken, string(result))
	}
	return json.RawMessage(`{}`), err
}

// run is one execution of user-offboarding on the local engine.
type run struct {
	w         *world
	eng       *engine.Engine
	approver  *approver
	execution *engine.Execution
	history   []engine.HistoryEvent
	child     []engine.HistoryEvent
}

// runOffboarding creates both state machines on a fresh engine with the steps over w's fakes,
// runs user-offboarding with input and waits for it to end.
func runOffboarding(t testing.TB, w *world, input string, decide func(level int) (approvals.Decision, bool)) *run {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	reg := lambdas.Registry{}
	w.steps.Register(reg)
	// CreateAll creates every workflow, alert-triage too, so its steps need handlers.
	(&triage.Steps{Logger: slog.New(slog.DiscardHandler)}).Register(reg)
	handlers := map[string]engine.Handler{}
	subs := map[string]string{}
	for name, h := range reg {
		handlers[name], subs[name] = engine.Handler(h), name
	}
	eng := engine.New(engine.Options{
		Handlers: handlers,
		Clock:    engine.NewVirtualClock(w.clock.T),
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	a := &approver{eng: eng, decide: decide}
	handlers["RequestApproval"], subs["RequestApproval"] = a.handler, "RequestApproval"

	arns, err := CreateAll(ctx, eng, subs)
	if err != nil {
		t.Fatalf("CreateAll: %v", err)
	}
	execARN, err := eng.StartExecution(ctx, arns["user-offboarding"], "HR-101", input)
	if err != nil {
		t.Fatalf("StartExecution: %v", err)
	}
	exec, err := eng.Wait(ctx, execARN)
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	r := &run{w: w, eng: eng, approver: a, execution: exec}
	if r.history, err = eng.GetExecutionHistory(ctx, execARN); err != nil {
		t.Fatalf("GetExecutionHistory: %v", err)
	}
	if childARN := childExecution(t, r.history); childARN != "" {
		if r.child, err = eng.GetExecutionHistory(ctx, childARN); err != nil {
			t.Fatalf("child history: %v", err)
		}
	}
	return r
}

var childARNPattern = regexp.MustCompile(`arn:aws:states:[^"\\]*:execution:revoke-user-access:[^"\\]+`)

// childExecution returns the ARN of the revoke-user-access execution the history started.
func childExecution(t testing.TB, history []engine.HistoryEvent) string {
	t.Helper()
	for _, ev := range history {
		data, err := json.Marshal(ev.Details)
		if err != nil {
			t.Fatal(err)
		}
		if m := childARNPattern.Find(data); m != nil {
			return string(m)
		}
	}
	return ""
}

// transitions counts the states entered, which is what AWS bills for a Standard workflow.
func (r *run) transitions() int {
	n := 0
	for _, ev := range append(append([]engine.HistoryEvent{}, r.history...), r.child...) {
		if strings.HasSuffix(ev.Type, "StateEntered") {
			n++
		}
	}
	return n
}

// comments returns the public comments posted on ticket 101.
func (r *run) comments() []string {
	var out []string
	for _, c := range r.w.tickets.Posted() {
		if c.Visibility == "public" {
			out = append(out, c.Body)
		}
	}
	return out
}

func (r *run) requireStatus(t *testing.T, status, errorName string) {
	t.Helper()
	if r.execution.Status != status || r.execution.Error != errorName {
		t.Fatalf("execution ended %s %s (%s), want %s %s\nhistory:\n%s", r.execution.Status, r.execution.Error, r.execution.Cause, status, errorName, r.describeHistory())
	}
}

func (r *run) describeHistory() string {
	var b strings.Builder
	for _, ev := range r.history {
		details, _ := json.Marshal(ev.Details)
		fmt.Fprintf(&b, "  %d %s %.300s\n", ev.ID, ev.Type, details)
	}
	return b.String()
}

func approveAll(int) (approvals.Decision, bool) { return approvals.Approve, true }

func TestOffboardingApproved(t *testing.T) {
	w := newWorld(t)
	r := runOffboarding(t, w, `{"ticketId":"101"}`, approveAll)
	r.requireStatus(t, "SUCCEEDED", "")

	if w.ad.Users[fake.JanUPN].AccountEnabled {
		t.Error("AD account still enabled")
	}
	if got := w.ad.Users[fake.JanUPN].DistinguishedName; got != "CN=Jan Peeters,"+fake.OffOU {
		t.Errorf("AD account at %q, want in %s", got, fake.OffOU)
	}
	if n := len(w.entra.MembershipsOf[fake.JanID]); n != 2 {
		t.Errorf("%d Entra memberships left, want the dynamic and the synchronised group: %+v", n, w.entra.MembershipsOf[fake.JanID])
	}
	if w.keys.ByUser["jan.peeters"][0].Status != "Inactive" {
		t.Errorf("access key status = %s, want Inactive", w.keys.ByUser["jan.peeters"][0].Status)
	}
	if note, ok := w.tickets.Resolved["101"]; !ok || !strings.Contains(note, "every change was verified") {
		t.Errorf("ticket resolution note = %q (resolved %v)", note, ok)
	}
	comments := r.comments()
	if len(comments) != 1 || !strings.Contains(comments[0], "Offboarding of Jan Peeters is complete") {
		t.Errorf("comments = %q, want one result comment", comments)
	}
	if got := r.approver.levels; len(got) != 1 || got[0] != 1 {
		t.Errorf("approval levels asked = %v, want [1]", got)
	}
	if n := r.transitions(); n != 21 || n > maxTransitions {
		t.Errorf("%d state transitions, want 21 (budget %d)", n, maxTransitions)
	}
}

// requireTransitions checks the count that docs/workflows/user-offboarding.md lists.
func (r *run) requireTransitions(t *testing.T, want int) {
	t.Helper()
	if n := r.transitions(); n != want {
		t.Errorf("%d state transitions, want %d", n, want)
	}
}

func TestOffboardingCloudOnlyUser(t *testing.T) {
	w := newWorld(t)
	w.entra.Users[fake.JanID].OnPremisesSyncEnabled = false
	delete(w.ad.Users, fake.JanUPN)
	r := runOffboarding(t, w, `{"ticketId":"101"}`, approveAll)
	r.requireStatus(t, "SUCCEEDED", "")
	r.requireTransitions(t, 21)
	if w.entra.Users[fake.JanID].AccountEnabled {
		t.Error("Entra account still enabled")
	}
}

func TestOffboardingRejected(t *testing.T) {
	w := newWorld(t)
	r := runOffboarding(t, w, `{"ticketId":"101","dryRun":false}`, func(int) (approvals.Decision, bool) { return approvals.Reject, true })
	r.requireStatus(t, "FAILED", "ApprovalRejected")
	r.requireTransitions(t, 7)
	if !w.entra.Users[fake.JanID].AccountEnabled || !w.ad.Users[fake.JanUPN].AccountEnabled {
		t.Error("an account was disabled after a rejection")
	}
	comments := r.comments()
	if len(comments) != 1 || !strings.Contains(comments[0], "was rejected by it-manager@example.com") || !strings.Contains(comments[0], "checked with HR") {
		t.Errorf("comments = %q, want the rejection with the approver's comment", comments)
	}
	if len(w.tickets.Resolved) != 0 {
		t.Error("ticket resolved after a rejection")
	}
}

func TestOffboardingDryRun(t *testing.T) {
	w := newWorld(t)
	r := runOffboarding(t, w, `{"ticketId":"101","dryRun":true}`, approveAll)
	r.requireStatus(t, "SUCCEEDED", "")
	r.requireTransitions(t, 6)
	if len(r.approver.levels) != 0 {
		t.Errorf("approval requested in a dry run: %v", r.approver.levels)
	}
	if !w.entra.Users[fake.JanID].AccountEnabled || !w.ad.Users[fake.JanUPN].AccountEnabled || len(w.entra.MembershipsOf[fake.JanID]) != 4 {
		t.Error("a dry run changed the directory")
	}
	comments := r.comments()
	if len(comments) != 1 || !strings.Contains(comments[0], "dry run: nothing was changed") || !strings.Contains(comments[0], "Remove from group Sales") {
		t.Errorf("comments = %q, want the plan", comments)
	}
}

func TestOffboardingExcludedAccount(t *testing.T) {
	w := newWorld(t)
	w.steps.Tenant.Exclusions.VIPUsers = []string{fake.JanUPN}
	// The extra input field must not stop the failure path from reporting.
	r := runOffboarding(t, w, `{"ticketId":"101","source":"hr-webhook"}`, approveAll)
	r.requireStatus(t, "FAILED", "OffboardingFailed")
	r.requireTransitions(t, 4)
	if len(r.approver.levels) != 0 {
		t.Errorf("approval requested for an excluded account: %v", r.approver.levels)
	}
	comments := r.comments()
	if len(comments) != 1 || !strings.Contains(comments[0], "ExcludedAccount") || !strings.Contains(comments[0], "VIP user") || !strings.Contains(comments[0], "Nothing was changed.") {
		t.Errorf("comments = %q, want the exclusion and that nothing changed", comments)
	}
	if len(w.escalator.Got) != 1 {
		t.Errorf("escalations = %d, want 1", len(w.escalator.Got))
	}
}

func TestOffboardingGroupNotRemovable(t *testing.T) {
	w := newWorld(t)
	w.entra.FailRemove["g-sales"] = &identity.PermissionDenied{Operation: "removing a member of Sales", Detail: "Insufficient privileges to complete the operation."}
	r := runOffboarding(t, w, `{"ticketId":"101"}`, approveAll)
	r.requireStatus(t, "FAILED", "OffboardingFailed")
	if len(w.tickets.Resolved) != 0 {
		t.Error("ticket resolved although a group was not removed")
	}
	comments := r.comments()
	if len(comments) != 1 {
		t.Fatalf("comments = %q, want one failure comment", comments)
	}
	for _, want := range []string{"OffboardingIncomplete", "Not done:\n- Remove from group Sales (still a member)", "Done and verified:", "- Remove from group M365 E3 users"} {
		if !strings.Contains(comments[0], want) {
			t.Errorf("failure comment does not contain %q:\n%s", want, comments[0])
		}
	}
	if w.ad.Users[fake.JanUPN].AccountEnabled {
		t.Error("the other changes did not run: AD account still enabled")
	}
}

func TestOffboardingApprovalTimesOut(t *testing.T) {
	w := newWorld(t)
	r := runOffboarding(t, w, `{"ticketId":"101"}`, func(int) (approvals.Decision, bool) { return "", false })
	r.requireStatus(t, "FAILED", "OffboardingFailed")
	if got := r.approver.levels; len(got) != 2 || got[0] != 1 || got[1] != 2 {
		t.Errorf("approval levels asked = %v, want [1 2]", got)
	}
	comments := r.comments()
	if len(comments) != 1 || !strings.Contains(comments[0], "no approval within the time limit") || !strings.Contains(comments[0], "Nothing was changed.") {
		t.Errorf("comments = %q", comments)
	}
}

func TestOffboardingSecondLevelApproves(t *testing.T) {
	w := newWorld(t)
	r := runOffboarding(t, w, `{"ticketId":"101"}`, func(level int) (approvals.Decision, bool) { return approvals.Approve, level == 2 })
	r.requireStatus(t, "SUCCEEDED", "")
	r.requireTransitions(t, 22)
	if got := r.approver.levels; len(got) != 2 {
		t.Errorf("approval levels asked = %v, want [1 2]", got)
	}
}
