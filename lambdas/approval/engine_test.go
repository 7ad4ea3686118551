package approval_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/secamo/orchestrator/approvals"
	"github.com/secamo/orchestrator/approvals/notify"
	"github.com/secamo/orchestrator/engine"
	"github.com/secamo/orchestrator/lambdas"
	"github.com/secamo/orchestrator/lambdas/approval"
)

const approvalMachine = `{
  "StartAt": "Ask",
  "States": {
    "Ask": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
      "Parameters": {
        "FunctionName": "${RequestApproval}",
        "Payload": {
          "taskToken.$": "$$.Task.Token",
          "execution.$": "$$.Execution.Id",
          "tenant": "acme",
          "level": 1,
          "action.$": "$.action",
          "reason": "Offboarding ticket 42",
          "ticketUrl": "https://acme.example/tickets/42",
          "requester": "hr@acme.example"
        }
      },
      "TimeoutSeconds": 14400,
      "ResultPath": "$.approval",
      "Catch": [{"ErrorEquals": ["ApprovalRejected"], "ResultPath": "$.rejection", "Next": "Rejected"}],
      "End": true
    },
    "Rejected": {"Type": "Pass", "End": true}
  }
}`

// notifyingSender passes e-mails to a channel, so the test knows when the step has sent them.
type notifyingSender chan notify.Email

func (s notifyingSender) Send(ctx context.Context, e notify.Email) error {
	s <- e
	return nil
}

var linkPattern = regexp.MustCompile(`https?://[^\s]+/approvals/acme/[a-z2-7]{32}\?[^\s]+`)

// decideOnEngine runs the approval machine on the local engine, decides through the
// confirmation page and returns the finished execution.
func decideOnEngine(t *testing.T, decision approvals.Decision) *engine.Execution {
	t.Helper()
	var endpoint http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { endpoint.ServeHTTP(w, r) }))
	defer srv.Close()

	cfg := acme("")
	cfg.Approvals.BaseURL = srv.URL
	f := newFixture(t, cfg, "")
	f.clock.now = time.Now()
	mails := make(notifyingSender, 4)
	f.handler.Email = mails

	reg := lambdas.Registry{}
	approval.Register(reg, f.handler)
	step, err := reg.Lookup(approval.StepName)
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(engine.Options{
		Handlers: map[string]engine.Handler{approval.StepName: engine.Handler(step)},
		Logger:   slog.New(slog.DiscardHandler),
	})
	endpoint = &approvals.Handler{
		Service: &approvals.Service{Store: f.store, Resolver: eng, Clock: approvals.SystemClock{}, Logger: slog.New(slog.DiscardHandler)},
		Tenants: f.handler.Tenants,
		Secrets: f.handler.Secrets,
		Logger:  slog.New(slog.DiscardHandler),
	}

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	machine, err := eng.CreateStateMachine(ctx, "approval", []byte(approvalMachine), map[string]string{"RequestApproval": approval.StepName})
	if err != nil {
		t.Fatal(err)
	}
	arn, err := eng.StartExecution(ctx, machine, "ticket-42", `{"action": "Disable the account of jan.peeters@acme.example"}`)
	if err != nil {
		t.Fatal(err)
	}

	var mail notify.Email
	select {
	case mail = <-mails:
	case <-ctx.Done():
		t.Fatal("the step sent no e-mail within 30 seconds")
	}
	_, parts := partsOf(t, mail.Raw)
	link := linkPattern.FindString(parts["text/plain"])
	if link == "" {
		t.Fatalf("no link in the e-mail:\n%s", parts["text/plain"])
	}

	page := get(t, link)
	token := regexp.MustCompile(`name="form_token" value="([^"]+)"`).FindStringSubmatch(page)
	if token == nil {
		t.Fatalf("no form on the page:\n%s", page)
	}
	resp, err := http.PostForm(link, url.Values{"form_token": {token[1]}, "decision": {string(decision)}, "comment": {"via the engine"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST = %d, want 200", resp.StatusCode)
	}

	x, err := eng.Wait(ctx, arn)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestLocalEngineResumedByApproval(t *testing.T) {
	x := decideOnEngine(t, approvals.Approve)
	if x.Status != "SUCCEEDED" {
		t.Fatalf("execution %s: %s %s", x.Status, x.Error, x.Cause)
	}
	var out struct {
		Approval approvals.Result `json:"approval"`
	}
	if err := json.Unmarshal([]byte(x.Output), &out); err != nil {
		t.Fatal(err)
	}
	if out.Approval.Decision != approvals.Approve || out.Approval.Approver != "it-manager@acme.example" || out.Approval.Comment != "via the engine" {
		t.Errorf("execution output approval = %+v, want approve by it-manager", out.Approval)
	}
}

func TestLocalEngineCatchesRejection(t *testing.T) {
	x := decideOnEngine(t, approvals.Reject)
	if x.Status != "SUCCEEDED" || !strings.Contains(x.Output, `"Error":"ApprovalRejected"`) {
		t.Fatalf("execution %s with output %s, want the Rejected state's output with ApprovalRejected", x.Status, x.Output)
	}
}

func TestLocalEngineErrorsClassified(t *testing.T) {
	eng := engine.New(engine.Options{Logger: slog.New(slog.DiscardHandler)})
	err := eng.SendTaskSuccess(t.Context(), "no-such-token", "{}")
	if got := approvals.ResolverErrorName(err); got != approvals.TaskDoesNotExist {
		t.Errorf("ResolverErrorName(%T) = %q, want TaskDoesNotExist", err, got)
	}
	var target *engine.TaskDoesNotExist
	if !errors.As(err, &target) {
		t.Errorf("engine error %T is not *engine.TaskDoesNotExist", err)
	}
}

func get(t *testing.T, link string) string {
	t.Helper()
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d", link, resp.StatusCode)
	}
	return string(b)
}

const escalationMachine = `{
  "StartAt": "AskLevel1",
  "States": {
    "AskLevel1": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
      "Parameters": {
        "FunctionName": "${RequestApproval}",
        "Payload": {"taskToken.$": "$$.Task.Token", "execution.$": "$$.Execution.Id", "tenant": "acme",
          "level": 1, "timeout.$": "$.levels[0].timeout", "action": "Isolate i-0abc", "requester": "soc@acme.example"}
      },
      "TimeoutSecondsPath": "$.levels[0].timeoutSeconds",
      "ResultPath": "$.approval",
      "Catch": [{"ErrorEquals": ["States.Timeout"], "ResultPath": "$.escalation", "Next": "AskLevel2"}],
      "End": true
    },
    "AskLevel2": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
      "Parameters": {
        "FunctionName": "${RequestApproval}",
        "Payload": {"taskToken.$": "$$.Task.Token", "execution.$": "$$.Execution.Id", "tenant": "acme",
          "level": 2, "timeout.$": "$.levels[1].timeout", "action": "Isolate i-0abc", "requester": "soc@acme.example"}
      },
      "TimeoutSecondsPath": "$.levels[1].timeoutSeconds",
      "ResultPath": "$.approval",
      "Catch": [{"ErrorEquals": ["States.Timeout"], "ResultPath": "$.escalation", "Next": "NobodyApproved"}],
      "End": true
    },
    "NobodyApproved": {"Type": "Fail", "Error": "ApprovalTimedOut", "Cause": "no approver answered at any level"}
  }
}`

func TestLocalEngineEscalatesOnTimeout(t *testing.T) {
	start := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	clock := engine.NewVirtualClock(start)
	f := newFixture(t, acme(""), "")
	f.handler.Clock = clock
	mails := make(notifyingSender, 4)
	f.handler.Email = mails

	levels, err := f.handler.Levels(t.Context(), approval.LevelsInput{Tenant: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	input, err := json.Marshal(levels)
	if err != nil {
		t.Fatal(err)
	}
	reg := lambdas.Registry{}
	approval.Register(reg, f.handler)
	step, err := reg.Lookup(approval.StepName)
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(engine.Options{
		Clock:    clock,
		Handlers: map[string]engine.Handler{approval.StepName: engine.Handler(step)},
		Logger:   slog.New(slog.DiscardHandler),
	})
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	machine, err := eng.CreateStateMachine(ctx, "escalation", []byte(escalationMachine), map[string]string{"RequestApproval": approval.StepName})
	if err != nil {
		t.Fatal(err)
	}
	arn, err := eng.StartExecution(ctx, machine, "alert-7", string(input))
	if err != nil {
		t.Fatal(err)
	}
	x, err := eng.Wait(ctx, arn)
	if err != nil {
		t.Fatal(err)
	}
	if x.Status != "FAILED" || x.Error != "ApprovalTimedOut" {
		t.Fatalf("execution %s %s, want FAILED with ApprovalTimedOut", x.Status, x.Error)
	}
	if got := x.StopDate.Sub(start); got != 24*time.Hour {
		t.Errorf("execution ran %v, want 24h (4h at level 1 and 20h at level 2)", got)
	}

	close(mails)
	var recipients []string
	for m := range mails {
		recipients = append(recipients, m.To...)
	}
	if strings.Join(recipients, ",") != "it-manager@acme.example,hr@acme.example,cio@acme.example" {
		t.Errorf("e-mails went to %v, want level 1 then level 2", recipients)
	}

	svc := &approvals.Service{Store: f.store, Resolver: eng, Clock: clock, Logger: slog.New(slog.DiscardHandler)}
	expired, _, err := svc.Sweep(t.Context())
	if err != nil || expired != 2 {
		t.Errorf("Sweep after the execution = %d expired, %v, want both levels' records expired", expired, err)
	}
}
