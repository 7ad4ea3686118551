package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"

	"github.com/secamo/orchestrator/internal/local"
	"github.com/secamo/orchestrator/secrets"
	"github.com/secamo/orchestrator/tenants"
)

func init() {
	commands["serve"] = command{
		summary: "serve a tenant's webhooks and approval pages on the local engine",
		run:     runServe,
	}
}

const serveUsage = `usage: orchestrator serve --tenant FILE [--listen 127.0.0.1:8080] [--data DIR]

Runs the tenant's workflows on the local engine behind one HTTP server:
  POST /webhooks/TENANT/SYSTEM          ticketing and alert webhooks (events.webhookSecret)
  GET|POST /approvals/TENANT/ID         the approval confirmation pages
  GET /executions/WORKFLOW/NAME         an execution and its history, as JSON
Secrets are env: and file: references in the tenant file. Executions are kept in
DIR/engine.db and approvals in DIR/approvals.db, so a restart continues the running
executions.
  --tenant FILE     the tenant file (required)
  --listen ADDR     loopback address to listen on (default 127.0.0.1:8080)
  --data DIR        folder for engine.db, approvals.db, the outbox, evidence and quarantined requests (default data)`

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, serveUsage) }
	tenantFile := fs.String("tenant", "", "tenant file")
	listen := fs.String("listen", "127.0.0.1:8080", "loopback address")
	dataDir := fs.String("data", "data", "data folder")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *tenantFile == "" || fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("missing --tenant FILE: name the tenant file to serve, such as tenants/example.yaml")
	}
	if err := checkLoopback(*listen); err != nil {
		return err
	}
	cfg, err := tenants.Load(*tenantFile)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	rt, err := local.New(ctx, cfg, local.Options{Listen: *listen, DataDir: *dataDir, Durable: true, Secrets: secrets.Local{}, Logger: logger})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "serving tenant %s on %s (webhooks at %s/webhooks/%s/SYSTEM); stop with Ctrl-C\n", cfg.Name, rt.URL(), rt.URL(), cfg.Name)
	return rt.Run(ctx)
}

// checkLoopback refuses an address that is not on the loopback interface: the server has
// no TLS, so a reverse proxy or tunnel must front it.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--listen %q: write HOST:PORT, such as 127.0.0.1:8080", addr)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("--listen %q: use a loopback address (127.0.0.1 or ::1) and put a TLS proxy in front", addr)
	}
	return nil
}
