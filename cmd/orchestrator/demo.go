package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/secamo/orchestrator/engine"
	"github.com/secamo/orchestrator/lambdas/offboarding"
	"github.com/secamo/orchestrator/sandbox/demo"
	"github.com/secamo/orchestrator/tenants"
)

func init() {
	commands["demo"] = command{
		summary: "offboard the demo leaver (or, with alert-triage, contain a GuardDuty finding) end to end on the local engine and the sandbox emulators",
		run:     runDemo,
	}
}

const demoUsage = `usage: orchestrator demo [--auto-approve] [--locale nl|fr|en] [--tenant FILE] [--data DIR]
       orchestrator demo alert-triage [--auto-approve] [...]: see orchestrator demo alert-triage --help

Starts the Graph and ServiceDesk Plus emulators with demo data, an in-memory AD and IAM, and
the local orchestrator on loopback. Posts the HR ticket's webhook, follows the execution,
prints the approval link and waits for the decision in the browser, then prints the result
per item and the ticket comment. Exits 0 only when the offboarding succeeded and every
change was verified.
  --auto-approve   approve through the confirmation page's form instead of waiting
  --locale L       language of the e-mail, the page and the ticket comments (default: the tenant's)
  --tenant FILE    the demo tenant file (default tenants/demo.yaml)
  --data DIR       folder for the approval store, the outbox and the evidence (default: a new temporary folder)`

// errDemoFailed is returned when the offboarding did not succeed with every change verified.
var errDemoFailed = errors.New("the offboarding did not complete: see the result above")

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "alert-triage" {
		return runTriageDemo(ctx, args[1:], stdout, stderr)
	}
	opts, cfg, err := parseDemoFlags("demo", demoUsage, args, stderr)
	if err != nil {
		return err
	}
	d := &demoRun{out: &lockedWriter{w: stdout}, start: time.Now(), auto: opts.auto, dataDir: opts.dataDir}
	return d.run(ctx, cfg, demo.Options{Locale: opts.locale}, opts.dataDir, stderr)
}

// demoFlags holds the options both demos take.
type demoFlags struct {
	auto    bool
	locale  string
	dataDir string
}

// parseDemoFlags parses the options both demos take, loads the tenant file and makes a data
// folder when none is given.
func parseDemoFlags(name, usage string, args []string, stderr io.Writer) (demoFlags, *tenants.Config, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, usage) }
	auto := fs.Bool("auto-approve", false, "approve through the page's form")
	locale := fs.String("locale", "", "nl, fr or en")
	tenantFile := fs.String("tenant", "tenants/demo.yaml", "demo tenant file")
	dataDir := fs.String("data", "", "data folder")
	if err := fs.Parse(args); err != nil {
		return demoFlags{}, nil, err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return demoFlags{}, nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	switch *locale {
	case "", "nl", "fr", "en":
	default:
		return demoFlags{}, nil, fmt.Errorf("--locale %q: use nl, fr or en", *locale)
	}
	cfg, err := tenants.Load(*tenantFile)
	if err != nil {
		return demoFlags{}, nil, err
	}
	if *dataDir == "" {
		if *dataDir, err = os.MkdirTemp("", "orchestrator-demo-"); err != nil {
			return demoFlags{}, nil, err
		}
	}
	return demoFlags{auto: *auto, locale: *locale, dataDir: *dataDir}, cfg, nil
}

// demoRun prints the demo's progress.
type demoRun struct {
	out     io.Writer
	start   time.Time
	auto    bool
	dataDir string
	env     *demo.Environment
	follow  *follower
}

// lockedWriter serialises writes: the history follower prints from its own goroutine while
// the demo prints the approval, and each fmt.Fprintf is one Write.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (d *demoRun) printf(format string, a ...any) {
	fmt.Fprintf(d.out, "%6.2fs  "+format+"\n", append([]any{time.Since(d.start).Seconds()}, a...)...)
}

func (d *demoRun) run(ctx context.Context, cfg *tenants.Config, opts demo.Options, dataDir string, stderr io.Writer) error {
	opts.Runtime.DataDir = dataDir
	opts.Runtime.Outbox = filepath.Join(dataDir, "outbox")
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

	d.printf("emulators: Microsoft Graph %s, ServiceDesk Plus %s, AD and IAM in memory", cfg.Identity.Entra.GraphURL, cfg.Ticketing.BaseURL)
	d.printf("orchestrator: %s (tenant %s, locale %s, data %s)", env.Runtime.URL(), cfg.Name, cfg.Locale, dataDir)
	d.printf("HR ticket %s (id %s): %q, leaver %s", env.Ticket.Key, env.Ticket.ID, env.Ticket.Subject, env.Ticket.Fields[demo.UserField])

	resp, err := env.PostTicketWebhook(ctx)
	if err != nil {
		return err
	}
	arn := resp.ExecutionARN()
	if resp.Status != 200 || arn == "" {
		return fmt.Errorf("the webhook endpoint returned %d without starting an execution: %s", resp.Status, resp.Raw)
	}
	d.printf("webhook POST /webhooks/%s/servicedeskplus: %d, execution %s", cfg.Name, resp.Status, resp.Body.Events[0].ExecutionName)

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
	return d.report(ctx, x, arn)
}

// approveAndWait prints the approval link and decides through the page when asked, then
// waits for the execution to end.
func (d *demoRun) approveAndWait(ctx context.Context, arn string) (*engine.Execution, error) {
	ended := make(chan struct{})
	var x *engine.Execution
	var werr error
	go func() { x, werr = d.env.Runtime.Engine.Wait(ctx, arn); close(ended) }()
	select {
	case <-d.env.Emails:
		if d.auto && d.follow != nil {
			d.follow.awaitWaiting(5 * time.Second)
		}
		if err := d.approve(ctx); err != nil {
			return nil, err
		}
	case <-ended:
		return x, werr
	}
	<-ended
	return x, werr
}

func (d *demoRun) approve(ctx context.Context) error {
	path, err := demo.NewestEmail(d.env.Runtime.Outbox)
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	link, err := demo.ApprovalLink(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	d.printf("approval e-mail: %s", path)
	d.printf("approval link: %s", link)
	if !d.auto {
		d.printf("open the link in a browser and approve or reject; waiting for the decision")
		return nil
	}
	status, _, err := demo.Decide(ctx, link, "approve", "approved by orchestrator demo --auto-approve")
	if err != nil {
		return err
	}
	d.printf("approved through the confirmation page's form: %d", status)
	return nil
}

// report prints the result per item, the ticket comment and where the history is.
func (d *demoRun) report(ctx context.Context, x *engine.Execution, arn string) error {
	d.printf("execution %s", x.Status)
	var out struct {
		Verification *offboarding.Verification `json:"verification"`
		Evidence     struct {
			Location string `json:"location"`
		} `json:"evidence"`
	}
	if x.Output != "" {
		if err := json.Unmarshal([]byte(x.Output), &out); err != nil {
			return fmt.Errorf("decoding the execution output: %w", err)
		}
	}

	if v := out.Verification; v != nil {
		fmt.Fprintln(d.out, "\nResult per item (read back):")
		for _, o := range v.Outcomes {
			name := o.Item.Name
			if name == "" {
				name = o.Item.ID
			}
			fmt.Fprintf(d.out, "  %-13s %-18s %s  (%s)\n", o.Status, o.Item.Kind, name, o.Detail)
		}
		fmt.Fprintf(d.out, "  verification complete: %t\n", v.Complete)
	}

	fmt.Fprintf(d.out, "\nTicket %s, status %s, comments:\n", d.env.Ticket.Key, d.env.SDP.Store.Status(d.env.Ticket.ID))
	for _, c := range d.env.Comments() {
		fmt.Fprintf(d.out, "---\n%s\n", c)
	}
	fmt.Fprintln(d.out, "---")
	if out.Evidence.Location != "" {
		fmt.Fprintf(d.out, "Evidence: %s\n", out.Evidence.Location)
	}
	history, err := d.env.Runtime.WriteHistory(ctx, arn, filepath.Join(d.dataDir, "history"))
	if err != nil {
		return err
	}
	fmt.Fprintf(d.out, "History: %s (%d Graph requests)\n", history, d.env.Runtime.GraphRequests())
	if x.Status != engine.StatusSucceeded || out.Verification == nil || !out.Verification.Complete {
		return errDemoFailed
	}
	return nil
}
