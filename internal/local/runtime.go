// Package local wires the local runtime that "orchestrator serve" and "orchestrator demo"
// run: the in-process ASL engine with every step registered over the tenant's adapters,
// the embedded state machines, the approval store on SQLite, and one HTTP server on
// loopback with the webhook endpoint (POST /webhooks/{tenant}/{system}), the approval
// pages (/approvals/{tenant}/{id}) and a read-only view of executions
// (GET /executions/{workflow}/{name}).
//
// Tests build a Runtime with the sandbox emulators' URLs and fakes in Options and drive
// it through HTTP exactly as a ticketing system and an approver would.
package local

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/secamo/orchestrator/approvals"
	"github.com/secamo/orchestrator/approvals/notify"
	"github.com/secamo/orchestrator/approvals/sqlitestore"
	"github.com/secamo/orchestrator/engine"
	enginestore "github.com/secamo/orchestrator/engine/store"
	"github.com/secamo/orchestrator/lambdas/offboarding"
	"github.com/secamo/orchestrator/lambdas/triage"
	"github.com/secamo/orchestrator/secrets"
	"github.com/secamo/orchestrator/tenants"
)

// Clock is the time source of the engine and the approvals. engine.RealClock and
// engine.VirtualClock implement it.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// Directory is an Active Directory at the interfaces of the AD steps, such as sandbox/ad.
type Directory interface {
	offboarding.ADUsers
	offboarding.ADAccounts
	offboarding.ADGroups
}

// Options configures a Runtime. Zero values select the defaults.
type Options struct {
	// Listen is the loopback address of the HTTP server, by default 127.0.0.1:8080. Use
	// 127.0.0.1:0 for a free port.
	Listen string
	// DataDir is the folder of approvals.db, evidence/ and quarantine/, by default "data".
	DataDir string
	// Outbox, when set, replaces the tenant's approvals.outbox folder for .eml files. When
	// both are empty, e-mails go to DataDir/outbox.
	Outbox string
	// LinksToServer points approval links at this server: New sets the tenant's
	// approvals.baseURL to the server's URL.
	LinksToServer bool
	Clock         Clock
	// Secrets resolves the tenant's references, by default with secrets.Local (env: and file:).
	Secrets secrets.Resolver
	Logger  *slog.Logger

	// GraphToken, when set, is sent as the bearer token to Microsoft Graph instead of
	// client credentials: for the Graph emulator.
	GraphToken string
	// GraphRetries is the Entra client's clock for Retry-After waits. Nil means real time.
	GraphRetries interface {
		Now() time.Time
		Sleep(ctx context.Context, d time.Duration) error
	}
	// AD replaces the LDAP client of the tenant's identity.activeDirectory section.
	AD Directory
	// AccessKeys replaces the IAM client built from the tenant's aws section.
	AccessKeys offboarding.AccessKeys
	// Containment replaces the EC2 client the triage steps build from the tenant's aws
	// section, such as sandbox/ec2's in-memory EC2.
	Containment triage.Containment
	// AbuseIPDBURL and VirusTotalURL, when set, replace the services' public API roots, for
	// the sandbox/intel emulators.
	AbuseIPDBURL, VirusTotalURL string
	// Durable keeps the executions in DataDir/engine.db, so a restarted runtime continues
	// them. Without it they live in memory and end with the process.
	Durable bool
	// DryRun starts every offboarding as a dry run: the plan goes to the ticket, nothing changes.
	DryRun bool
	// EmailSent, when set, is called after each approval e-mail is sent or written to the
	// outbox, so a caller can wait for it instead of polling the folder.
	EmailSent func(notify.Email)
	// SweepEvery is the interval between sweeps of expired approvals, by default one minute.
	SweepEvery time.Duration
}

// Runtime is one tenant's local orchestrator.
type Runtime struct {
	Tenant *tenants.Config
	Engine *engine.Engine
	// Workflows maps workflow names to state-machine ARNs.
	Workflows map[string]string
	Approvals *approvals.Service
	// Outbox is the folder approval e-mails go to when no SMTP server is set.
	Outbox string
	// EvidenceDir is the folder RecordEvidence writes to.
	EvidenceDir string

	opts     Options
	listener net.Listener
	store    *sqlitestore.Store
	engineDB *enginestore.Store
	server   *http.Server
	graph    interface{ Requests() int64 }
	logger   *slog.Logger
}

// New builds the runtime for the tenant and listens on opts.Listen. Run serves requests.
func New(ctx context.Context, cfg *tenants.Config, opts Options) (*Runtime, error) {
	opts = withDefaults(opts)
	rt := &Runtime{Tenant: cfg, opts: opts, logger: opts.Logger, EvidenceDir: filepath.Join(opts.DataDir, "evidence")}
	if err := os.MkdirAll(opts.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("creating the data folder: %w", err)
	}
	ln, err := net.Listen("tcp", opts.Listen)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", opts.Listen, err)
	}
	rt.listener = ln
	if opts.LinksToServer {
		cfg.Approvals.BaseURL = rt.URL()
	}
	switch {
	case opts.Outbox != "":
		cfg.Approvals.Outbox = opts.Outbox
	case cfg.Approvals.Outbox == "":
		cfg.Approvals.Outbox = filepath.Join(opts.DataDir, "outbox")
	}
	if err := rt.build(ctx); err != nil {
		ln.Close()
		rt.closeStores()
		return nil, err
	}
	return rt, nil
}

func withDefaults(o Options) Options {
	if o.Listen == "" {
		o.Listen = "127.0.0.1:8080"
	}
	if o.DataDir == "" {
		o.DataDir = "data"
	}
	if o.Clock == nil {
		o.Clock = engine.RealClock{}
	}
	if o.Secrets == nil {
		o.Secrets = secrets.Local{}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.SweepEvery <= 0 {
		o.SweepEvery = time.Minute
	}
	return o
}

// URL is the server's root, such as http://127.0.0.1:8080.
func (rt *Runtime) URL() string { return "http://" + rt.listener.Addr().String() }

// GraphRequests returns the number of HTTP requests sent to Microsoft Graph so far.
func (rt *Runtime) GraphRequests() int64 {
	if rt.graph == nil {
		return 0
	}
	return rt.graph.Requests()
}

// Run serves HTTP and sweeps approvals until ctx is cancelled, then shuts the server down
// and closes the store.
func (rt *Runtime) Run(ctx context.Context) error {
	defer rt.closeStores()
	errc := make(chan error, 1)
	go func() { errc <- rt.server.Serve(rt.listener) }()
	// The sweep runs on wall time: a virtual clock would jump to its timer whenever the
	// engine is idle.
	sweeps := time.NewTicker(rt.opts.SweepEvery)
	defer sweeps.Stop()
	rt.logger.InfoContext(ctx, "serving", "tenant", rt.Tenant.Name, "url", rt.URL())
	for {
		select {
		case err := <-errc:
			return fmt.Errorf("serving HTTP: %w", err)
		case <-sweeps.C:
			rt.sweep(ctx)
		case <-ctx.Done():
			shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			err := rt.server.Shutdown(shutdown)
			if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
				err = serr
			}
			return err
		}
	}
}

// closeStores stops a durable engine, so that nothing more is written, and closes the
// stores.
func (rt *Runtime) closeStores() {
	if rt.engineDB != nil {
		if rt.Engine != nil {
			rt.Engine.Close()
		}
		rt.engineDB.Close()
	}
	if rt.store != nil {
		rt.store.Close()
	}
}

func (rt *Runtime) sweep(ctx context.Context) {
	expired, delivered, err := rt.Approvals.Sweep(ctx)
	if err != nil {
		rt.logger.WarnContext(ctx, "sweeping approvals", "err", err)
		return
	}
	if expired+delivered > 0 {
		rt.logger.InfoContext(ctx, "approvals swept", "expired", expired, "delivered", delivered)
	}
}
