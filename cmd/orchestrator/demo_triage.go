package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"time"

	awsadapter "github.com/secamo/orchestrator/adapters/cloud/aws"
	"github.com/secamo/orchestrator/engine"
	"github.com/secamo/orchestrator/lambdas/triage"
	"github.com/secamo/orchestrator/sandbox/demo"
	"github.com/secamo/orchestrator/tenants"
)

const triageDemoUsage = `usage: orchestrator demo alert-triage [--auto-approve] [--locale nl|fr|en] [--tenant FILE] [--data DIR]

Starts the ServiceDesk Plus, AbuseIPDB and VirusTotal emulators, an in-memory EC2 with the
demo web server, and the local orchestrator on loopback. Posts a GuardDuty crypto-mining
finding for the web server to the aws webhook, follows the execution, prints the approval
link and waits for the decision in the browser, then prints the enrichment, the decision,
the isolation and the ticket comment. Exits 0 only when the execution succeeded and the
instance is isolated.
  --auto-approve   approve through the confirmation page's form instead of waiting
  --locale L       language of the e-mail, the page and the ticket comments (default: the tenant's)
  --tenant FILE    the demo tenant file (default tenants/demo.yaml)
  --data DIR       folder for the approval store, the outbox and the history (default: a new temporary folder)`

// errTriageDemoFailed is returned when the execution did not succeed or left the instance
// unisolated.
var errTriageDemoFailed = errors.New("the alert triage did not isolate the instance: see the result above")

func runTriageDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	opts, cfg, err := parseDemoFlags("demo alert-triage", triageDemoUsage, args, stderr)
	if err != nil {
		return err
	}
	if !slices.Contains(cfg.Workflows, "alert-triage") {
		return fmt.Errorf("tenant %s: workflows is missing alert-triage, so the finding would start nothing: add it, as tenants/demo.yaml does", cfg.Name)
	}
	d := &demoRun{out: &lockedWriter{w: stdout}, start: time.Now(), auto: opts.auto, dataDir: opts.dataDir}
	return d.runTriage(ctx, cfg, demo.Options{Locale: opts.locale}, stderr)
}

func (d *demoRun) runTriage(ctx context.Context, cfg *tenants.Config, opts demo.Options, stderr io.Writer) error {
	opts.Runtime.DataDir = d.dataDir
	opts.Runtime.Outbox = filepath.Join(d.dataDir, "outbox")
	opts.Runtime.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	env, err := demo.Start(ctx, cfg, opts)
	if err != nil {
		return err
	}
	defer env.Close()
	d.env = env
	served := make(chan error, 1)
	go func() { served <- env.Runtime.Run(ctx) }()
	defer func() { cancel(); <-served }()

	d.printf("emulators: ServiceDesk Plus %s, AbuseIPDB and VirusTotal on loopback, EC2 in memory", cfg.Ticketing.BaseURL)
	d.printf("orchestrator: %s (tenant %s, locale %s, data %s)", env.Runtime.URL(), cfg.Name, cfg.Locale, d.dataDir)
	inst := env.EC2.Instance(demo.InstanceID)
	d.printf("instance %s (%s, owner %s): %s", inst.ID, inst.Name, inst.Owner, interfaceGroups(inst))

	resp, err := env.PostFinding(ctx)
	if err != nil {
		return err
	}
	arn := resp.ExecutionARN()
	if resp.Status != 200 || arn == "" {
		return fmt.Errorf("the webhook endpoint returned %d without starting an execution: %s", resp.Status, resp.Raw)
	}
	d.printf("webhook POST /webhooks/%s/aws (GuardDuty Finding): %d, execution %s", cfg.Name, resp.Status, resp.Body.Events[0].ExecutionName)

	follow := newFollower(env.Runtime.Engine, arn, d.printf)
	followed := make(chan struct{})
	go func() { follow.run(ctx); close(followed) }()
	d.follow = follow
	x, err := d.approveAndWait(ctx, arn)
	follow.stop()
	<-followed
	if err != nil {
		return err
	}
	return d.reportTriage(ctx, x, arn)
}

// triageState is the part of the alert-triage state that the report prints.
type triageState struct {
	Assessment  triage.Assessment         `json:"assessment"`
	Case        triage.Case               `json:"case"`
	Decision    map[string]any            `json:"decision"`
	Containment *triage.ContainmentResult `json:"containment"`
}

// reportTriage prints the enrichment, the decision, the isolation and the ticket comment.
func (d *demoRun) reportTriage(ctx context.Context, x *engine.Execution, arn string) error {
	d.printf("execution %s", x.Status)
	st, err := d.lastStateInput(ctx, arn)
	if err != nil {
		return err
	}

	a := st.Assessment
	fmt.Fprintln(d.out, "\nEnrichment:")
	for _, r := range a.Intel {
		fmt.Fprintf(d.out, "  %-11s %-15s score %3d  %s\n", r.Source, r.Indicator, r.Score, r.Verdict)
	}
	fmt.Fprintf(d.out, "\nDecision: %s (highest score %d, priority %s)\n  %s\n", a.Action, a.MaxScore, a.Priority, a.Reason)
	if by, _ := st.Decision["approver"].(string); by != "" {
		fmt.Fprintf(d.out, "  approved by %s\n", by)
	}
	isolated := d.printIsolation(st.Containment)

	ticket := st.Case.Ticket
	fmt.Fprintf(d.out, "\nTicket %s (id %s), comments:\n", ticket.Key, ticket.ID)
	for _, c := range d.env.SDP.Store.Comments(ticket.ID) {
		fmt.Fprintf(d.out, "---\n%s\n", c.Body)
	}
	fmt.Fprintln(d.out, "---")

	history, err := d.env.Runtime.WriteHistory(ctx, arn, filepath.Join(d.dataDir, "history"))
	if err != nil {
		return err
	}
	fmt.Fprintf(d.out, "History: %s\n", history)

	if x.Status != engine.StatusSucceeded || !isolated {
		return errTriageDemoFailed
	}
	return nil
}

// printIsolation prints the containment step's result and the instance as the EC2 reports it
// now, and reports whether every interface is in the quarantine group alone.
func (d *demoRun) printIsolation(c *triage.ContainmentResult) bool {
	inst := d.env.EC2.Instance(demo.InstanceID)
	group := d.env.EC2.QuarantineGroup(inst.VPCID)
	fmt.Fprintf(d.out, "\nIsolation of %s:\n", inst.ID)
	if c != nil && c.Isolation != nil {
		iso := c.Isolation
		fmt.Fprintf(d.out, "  %s at %s, case %s, quarantine group %s (created %t)\n", iso.Status, iso.IsolatedAt, iso.CaseID, iso.QuarantineGroupID, iso.GroupCreated)
		for _, eni := range slices.Sorted(maps.Keys(iso.OriginalGroups)) {
			fmt.Fprintf(d.out, "  recorded original groups of %s: %s\n", eni, strings.Join(iso.OriginalGroups[eni], " "))
		}
		for _, s := range c.Snapshots {
			fmt.Fprintf(d.out, "  snapshot %s of %s (%s): %s\n", s.ID, s.VolumeID, s.Device, s.State)
		}
	}
	fmt.Fprintf(d.out, "  now: %s\n", interfaceGroups(inst))
	if group == "" || inst.Tags[awsadapter.TagIsolatedAt] == "" {
		return false
	}
	for _, iface := range inst.Interfaces {
		if !slices.Equal(iface.GroupIDs, []string{group}) {
			return false
		}
	}
	return true
}

// lastStateInput returns the input of the last state the execution entered, which contains
// everything the earlier states added.
func (d *demoRun) lastStateInput(ctx context.Context, arn string) (*triageState, error) {
	h, err := d.env.Runtime.Engine.GetExecutionHistory(ctx, arn)
	if err != nil {
		return nil, err
	}
	for i := len(h) - 1; i >= 0; i-- {
		if !strings.HasSuffix(h[i].Type, "StateEntered") {
			continue
		}
		input, _ := h[i].Details["input"].(string)
		var st triageState
		if err := json.Unmarshal([]byte(input), &st); err != nil {
			return nil, fmt.Errorf("decoding the input of state %v: %w", h[i].Details["name"], err)
		}
		return &st, nil
	}
	return nil, fmt.Errorf("execution %s entered no state", arn)
}

// interfaceGroups describes the security groups of each network interface.
func interfaceGroups(inst *awsadapter.Instance) string {
	var parts []string
	for _, iface := range inst.Interfaces {
		parts = append(parts, iface.ID+" in "+strings.Join(iface.GroupIDs, ", "))
	}
	return strings.Join(parts, "; ")
}
