package statemachines

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	awsadapter "github.com/secamo/orchestrator/adapters/cloud/aws"
	"github.com/secamo/orchestrator/adapters/ticketing"
	"github.com/secamo/orchestrator/approvals"
	"github.com/secamo/orchestrator/engine"
	"github.com/secamo/orchestrator/events"
	"github.com/secamo/orchestrator/events/normalize"
	"github.com/secamo/orchestrator/internal/testenv"
	"github.com/secamo/orchestrator/lambdas"
	"github.com/secamo/orchestrator/lambdas/offboarding"
	"github.com/secamo/orchestrator/lambdas/offboarding/fake"
	"github.com/secamo/orchestrator/lambdas/triage"
	"github.com/secamo/orchestrator/tenants"
)

// maxTriageTransitions is the design budget of the main path (assess, open the case, route,
// approval, isolate, record): at $0.025 per 1,000 state transitions, 10 cost $0.00025.
const maxTriageTransitions = 10

// fakeInstance is one EC2 instance of fakeEC2.
type fakeInstance struct {
	instance  awsadapter.Instance
	isolated  bool
	caseID    string
	original  []string
	snapshots []awsadapter.Snapshot
}

// fakeEC2 is an in-memory EC2 account that behaves like awsadapter.Containment: isolation
// and snapshots are idempotent per case, and a protected instance is refused.
type fakeEC2 struct {
	mu        sync.Mutex
	instances map[string]*fakeInstance
	calls     []string
	// snapshotErr, when set, is returned by SnapshotVolumes after the isolation.
	snapshotErr error
}

func (f *fakeEC2) get(id string) (*fakeInstance, error) {
	inst, ok := f.instances[id]
	if !ok {
		return nil, &awsadapter.InstanceNotFound{InstanceID: id, Detail: "InvalidInstanceID.NotFound"}
	}
	return inst, nil
}

func (f *fakeEC2) DescribeInstance(_ context.Context, id string) (*awsadapter.Instance, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "Describe "+id)
	inst, err := f.get(id)
	if err != nil {
		return nil, err
	}
	copied := inst.instance
	return &copied, nil
}

func (f *fakeEC2) Isolate(_ context.Context, id, caseID string) (*awsadapter.IsolationResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "Isolate "+id)
	inst, err := f.get(id)
	if err != nil {
		return nil, err
	}
	if inst.instance.Protected {
		return nil, &awsadapter.ProtectedResource{InstanceID: id, Tag: awsadapter.TagProtected}
	}
	iface := inst.instance.Interfaces[0]
	res := &awsadapter.IsolationResult{InstanceID: id, CaseID: caseID, QuarantineGroupID: "sg-quarantine"}
	if inst.isolated {
		res.Status = awsadapter.StatusAlreadyIsolated
	} else {
		res.Status = awsadapter.StatusIsolated
		inst.isolated, inst.caseID, inst.original = true, caseID, iface.GroupIDs
		inst.instance.Interfaces[0].GroupIDs = []string{"sg-quarantine"}
	}
	res.OriginalGroups = map[string][]string{iface.ID: inst.original}
	return res, nil
}

func (f *fakeEC2) SnapshotVolumes(_ context.Context, id, caseID string) ([]awsadapter.Snapshot, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "Snapshot "+id)
	if f.snapshotErr != nil {
		return nil, f.snapshotErr
	}
	inst, err := f.get(id)
	if err != nil {
		return nil, err
	}
	if len(inst.snapshots) > 0 {
		return inst.snapshots, nil
	}
	for i, v := range inst.instance.Volumes {
		inst.snapshots = append(inst.snapshots, awsadapter.Snapshot{ID: fmt.Sprintf("snap-%d", i+1), VolumeID: v.ID, Device: v.Device, State: "pending"})
	}
	return inst.snapshots, nil
}

func (f *fakeEC2) Release(_ context.Context, id string) (*awsadapter.IsolationResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "Release "+id)
	inst, err := f.get(id)
	if err != nil {
		return nil, err
	}
	if !inst.isolated {
		return &awsadapter.IsolationResult{InstanceID: id, Status: awsadapter.StatusNotIsolated}, nil
	}
	inst.isolated = false
	inst.instance.Interfaces[0].GroupIDs = inst.original
	return &awsadapter.IsolationResult{InstanceID: id, Status: awsadapter.StatusReleased, CaseID: inst.caseID}, nil
}

// count returns how many recorded calls start with prefix.
func (f *fakeEC2) count(prefix string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

// caseTickets is an in-memory ticketing system whose CreateTicket finds a ticket by its
// correlation key, like the adapters.
type caseTickets struct {
	mu       sync.Mutex
	tickets  map[string]*ticketing.Ticket // by correlation key
	comments map[string][]string          // by ticket id
}

func (f *caseTickets) CreateTicket(_ context.Context, t ticketing.NewTicket) (*ticketing.Ticket, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if existing, ok := f.tickets[t.CorrelationKey]; ok {
		copied := *existing
		return &copied, nil
	}
	id := fmt.Sprint(500 + len(f.tickets))
	created := &ticketing.Ticket{
		ID: id, Key: "SOC-" + id, URL: "https://helpdesk.example.com/tickets/" + id,
		Subject: t.Subject, Description: t.Description, Status: "Open", Requester: t.Requester,
		Fields: map[string]string{"priority": t.Priority},
	}
	f.tickets[t.CorrelationKey] = created
	copied := *created
	return &copied, nil
}

func (f *caseTickets) Comment(_ context.Context, id, body string, _ ticketing.Visibility) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.comments[id] = append(f.comments[id], body)
	return nil
}

func (f *caseTickets) only(t *testing.T) (*ticketing.Ticket, []string) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.tickets) != 1 {
		t.Fatalf("%d tickets opened, want 1", len(f.tickets))
	}
	for _, tk := range f.tickets {
		return tk, slices.Clone(f.comments[tk.ID])
	}
	return nil, nil
}

// triageWorld is one tenant's systems for the alert-triage tests.
type triageWorld struct {
	tenant  *tenants.Config
	ec2     *fakeEC2
	keys    *fake.Keys
	tickets *caseTickets
	enrich  triage.Enricher
}

const (
	minerInstance = "i-0123456789abcdef0"
	sshInstance   = "i-0fedcba9876543210"
)

func newTriageWorld() *triageWorld {
	instance := func(id, name string) *fakeInstance {
		return &fakeInstance{instance: awsadapter.Instance{
			ID: id, State: "running", Type: "t3.small", VPCID: "vpc-0000bbbb", Name: name,
			Tags:       map[string]string{"Name": name},
			Interfaces: []awsadapter.Interface{{ID: "eni-" + id[2:], GroupIDs: []string{"sg-0000cccc"}}},
			Volumes:    []awsadapter.Volume{{ID: "vol-" + id[2:], Device: "/dev/xvda"}},
		}}
	}
	return &triageWorld{
		tenant: &tenants.Config{
			Name: "example", Locale: "en",
			Approvals: tenants.Approvals{
				From: "soc@example.com",
				Levels: []tenants.ApprovalLevel{
					{Approvers: []string{"soc-lead@example.com"}, Timeout: tenants.Duration(time.Hour)},
				},
			},
		},
		ec2: &fakeEC2{instances: map[string]*fakeInstance{
			minerInstance: instance(minerInstance, "build-runner"),
			sshInstance:   instance(sshInstance, "bastion"),
		}},
		keys: &fake.Keys{ByUser: map[string][]awsadapter.AccessKey{"jan.peeters": {
			{ID: "AKIAJANOLD", UserName: "jan.peeters", Status: awsadapter.KeyInactive},
			{ID: "AKIAJANNEW", UserName: "jan.peeters", Status: awsadapter.KeyActive},
		}}},
		tickets: &caseTickets{tickets: map[string]*ticketing.Ticket{}, comments: map[string][]string{}},
	}
}

// triageRun is one execution of alert-triage on the local engine.
type triageRun struct {
	execution *engine.Execution
	history   []engine.HistoryEvent
	child     []engine.HistoryEvent
	approver  *approver
}

// runTriage runs alert-triage on a fresh engine over w with the alert's envelope as input,
// as the event router starts it, and waits for the execution to end.
func runTriage(t testing.TB, w *triageWorld, alert events.Alert, decide func(level int) (approvals.Decision, bool)) *triageRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	discard := slog.New(slog.NewTextHandler(io.Discard, nil))
	reg := lambdas.Registry{}
	(&triage.Steps{Tenant: w.tenant, Enricher: w.enrich, Containment: w.ec2, AccessKeys: w.keys, Tickets: w.tickets, Logger: discard}).Register(reg)
	(&offboarding.Steps{Tenant: w.tenant, AccessKeys: w.keys, Logger: discard}).Register(reg)
	handlers := map[string]engine.Handler{}
	subs := map[string]string{}
	for name, h := range reg {
		handlers[name], subs[name] = engine.Handler(h), name
	}
	eng := engine.New(engine.Options{
		Handlers: handlers,
		Clock:    engine.NewVirtualClock(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)),
		Logger:   discard,
	})
	a := &approver{eng: eng, decide: decide}
	handlers["RequestApproval"], subs["RequestApproval"] = a.handler, "RequestApproval"

	arns, err := CreateAll(ctx, eng, subs)
	if err != nil {
		t.Fatalf("CreateAll: %v", err)
	}
	env, err := alert.Envelope()
	if err != nil {
		t.Fatal(err)
	}
	// The workflow's input is the envelope's detail, as EventBridge (InputPath $.detail) and
	// the local runtime pass it.
	raw, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	var envelope struct {
		Detail json.RawMessage `json:"detail"`
	}
	if err := json.Unmarshal(raw, &envelope); err != nil {
		t.Fatal(err)
	}
	input := envelope.Detail
	triageARN, ok := arns["alert-triage"]
	if !ok {
		t.Fatal("CreateAll did not create alert-triage")
	}
	execARN, err := eng.StartExecution(ctx, triageARN, events.ExecutionName(alert.ID), string(input))
	if err != nil {
		t.Fatalf("StartExecution: %v", err)
	}
	exec, err := eng.Wait(ctx, execARN)
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	r := &triageRun{execution: exec, approver: a}
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

func (r *triageRun) requireStatus(t *testing.T, status string) {
	t.Helper()
	if r.execution.Status != status {
		var b strings.Builder
		for _, ev := range r.history {
			details, _ := json.Marshal(ev.Details)
			fmt.Fprintf(&b, "  %d %s %.300s\n", ev.ID, ev.Type, details)
		}
		t.Fatalf("execution ended %s %s (%s), want %s\nhistory:\n%s", r.execution.Status, r.execution.Error, r.execution.Cause, status, b.String())
	}
}

// states returns the names of the states entered, in order, in the parent execution.
func (r *triageRun) states() []string {
	var names []string
	for _, ev := range r.history {
		if !strings.HasSuffix(ev.Type, "StateEntered") {
			continue
		}
		name, _ := ev.Details["name"].(string)
		names = append(names, name)
	}
	return names
}

func (r *triageRun) transitions() int {
	n := 0
	for _, ev := range slices.Concat(r.history, r.child) {
		if strings.HasSuffix(ev.Type, "StateEntered") {
			n++
		}
	}
	return n
}

// loadAlert normalises one payload with the named normaliser and returns its only alert.
func loadAlert(t testing.TB, path string, normaliser func([]byte) ([]normalize.Result, error)) events.Alert {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	results, err := normaliser(raw)
	if err != nil {
		t.Fatalf("normalising %s: %v", path, err)
	}
	if len(results) != 1 || results[0].Alert == nil {
		t.Fatalf("%s gave %d events, want one alert", path, len(results))
	}
	return *results[0].Alert
}

// sharedSample loads a GuardDuty or Security Hub sample from the shared folder.
func sharedSample(t testing.TB, name string, normaliser func([]byte) ([]normalize.Result, error)) events.Alert {
	t.Helper()
	return loadAlert(t, filepath.Join(testenv.SharedDir(t, ".."), "samples", name), normaliser)
}
