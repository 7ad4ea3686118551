package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/secamo/orchestrator/events/rules"
	"github.com/secamo/orchestrator/tenants"
)

func init() {
	commands["events"] = command{
		summary: "test an event payload: show its canonical events and the workflows they start",
		run:     runEvents,
	}
}

const eventsUsage = `usage: orchestrator events test --tenant FILE [--source NAME] EVENT.json

Normalises EVENT.json (a GuardDuty or Security Hub event, a Sentinel, Defender or Wazuh alert,
or a Jira, ServiceNow, Freshdesk or ServiceDesk Plus webhook body) with the tenant's mapping,
then prints each canonical event and the workflows it would start, or why it starts none.
Nothing is started.`

func runEvents(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "test" {
		fmt.Fprintln(stderr, eventsUsage)
		return errors.New("missing subcommand: use events test")
	}
	fs := flag.NewFlagSet("events test", flag.ContinueOnError)
	fs.SetOutput(stderr)
	tenantFile := fs.String("tenant", "", "tenant `file` whose events.tickets rules and workflows apply")
	source := fs.String("source", "", "payload `source` (guardduty, securityhub, sentinel, defender, wazuh, jira, servicenow, freshdesk, servicedeskplus); detected when empty")
	fs.Usage = func() { fmt.Fprintln(stderr, eventsUsage); fs.PrintDefaults() }
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *tenantFile == "" || fs.NArg() != 1 {
		fs.Usage()
		return errors.New("need --tenant FILE and one EVENT.json")
	}
	cfg, err := tenants.Load(*tenantFile)
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("reading event: %w", err)
	}
	decisions, err := rules.Evaluate(cfg, *source, raw, time.Now())
	if err != nil {
		return err
	}
	return printDecisions(stdout, decisions)
}

func printDecisions(w io.Writer, decisions []rules.Decision) error {
	for i, d := range decisions {
		env, err := json.MarshalIndent(d.Result.Envelope, "  ", "  ")
		if err != nil {
			return fmt.Errorf("encoding event %s: %w", d.Result.ID(), err)
		}
		fmt.Fprintf(w, "event %d of %d: %s\n", i+1, len(decisions), d.Result.ID())
		fmt.Fprintf(w, "  execution name: %s\n", d.ExecutionName)
		if len(d.Matched) > 0 {
			fmt.Fprintf(w, "  matching rules: %s\n", strings.Join(d.Matched, ", "))
		}
		if len(d.Workflows) > 0 {
			fmt.Fprintf(w, "  starts: %s\n", strings.Join(d.Workflows, ", "))
		} else {
			fmt.Fprintf(w, "  starts nothing: %s\n", d.Reason)
		}
		fmt.Fprintf(w, "  canonical event:\n  %s\n", env)
	}
	return nil
}
