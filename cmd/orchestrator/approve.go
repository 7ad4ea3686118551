package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/secamo/orchestrator/approvals"
	"github.com/secamo/orchestrator/approvals/sqlitestore"
)

func init() {
	commands["approve"] = command{
		summary: "record an operator's decision on a pending approval request",
		run:     runApprove,
	}
}

const approveUsage = `usage: orchestrator approve ID --decision approve|reject [--comment TEXT] [--operator NAME] --db FILE

Records an operator's decision on the pending approval request ID in the approvals database
FILE, with the same rules as the confirmation page: the first decision wins, an expired
request cannot be decided, and the requester cannot approve their own request. The audit log
records it as an operator decision.

The command does not resume the workflow itself. It stores the decision as undelivered, and
approvals.Service.Sweep, run by the process that serves approvals for this database, passes
it to the waiting execution.`

func runApprove(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("approve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	decision := fs.String("decision", "", "the decision: approve or reject")
	comment := fs.String("comment", "", "a comment passed to the workflow with the decision")
	operator := fs.String("operator", os.Getenv("USER"), "the operator's name or e-mail address, recorded as the approver (default $USER)")
	db := fs.String("db", "", "the approvals SQLite database `file`")
	fs.Usage = func() { fmt.Fprintln(stderr, approveUsage); fs.PrintDefaults() }

	// Accept the ID before or after the flags.
	var id string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		id, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if id == "" && fs.NArg() == 1 {
		id = fs.Arg(0)
	} else if fs.NArg() != 0 {
		fs.Usage()
		return fmt.Errorf("unexpected arguments %q: give one approval ID", fs.Args())
	}

	d := approvals.Decision(*decision)
	switch {
	case id == "":
		fs.Usage()
		return errors.New("missing approval ID")
	case !approvals.ValidID(id):
		return fmt.Errorf("invalid approval ID %q: it is 32 lowercase letters and digits 2-7, as in the approval link", id)
	case d != approvals.Approve && d != approvals.Reject:
		return fmt.Errorf("invalid --decision %q: use approve or reject", *decision)
	case *db == "":
		return errors.New("missing --db: give the approvals database file")
	case strings.TrimSpace(*operator) == "":
		return errors.New("missing --operator: give your name or e-mail address")
	}
	if _, err := os.Stat(*db); err != nil {
		return fmt.Errorf("opening approvals database: %w", err)
	}

	store, err := sqlitestore.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	rec, err := decideAsOperator(ctx, store, id, approvals.DecisionInput{
		Decision: d, Approver: *operator, Comment: *comment, Via: approvals.ViaOperator, At: time.Now().UTC(),
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "approval %s %s by %s (operator) at %s and recorded in %s\n",
		rec.ID, rec.Status, rec.DecidedBy, rec.DecidedAt.Format(time.RFC3339), *db)
	fmt.Fprintf(stdout, "tenant %s, execution %s: the workflow resumes when the approvals server delivers the decision\n",
		rec.Tenant, rec.Execution)
	return nil
}

// decideAsOperator checks the self-approval rule, stores the decision and writes the audit
// event, whatever the outcome.
func decideAsOperator(ctx context.Context, store approvals.Store, id string, in approvals.DecisionInput) (approvals.Record, error) {
	audit := approvals.AuditEvent{ApprovalID: id, At: in.At, Method: "OPERATOR", Approver: in.Approver}
	rec, err := store.Get(ctx, id)
	if err != nil {
		return rec, err
	}
	audit.Tenant = rec.Tenant

	var (
		already *approvals.AlreadyDecidedError
		expired *approvals.ExpiredError
	)
	if rec.IsRequester(in.Approver) {
		err = fmt.Errorf("%s requested approval %s and cannot decide it: another operator or approver must", in.Approver, id)
		audit.Outcome = "self-approval"
	} else {
		rec, err = store.Decide(ctx, id, in)
		switch {
		case err == nil:
			audit.Outcome = string(rec.Status)
		case errors.As(err, &already):
			audit.Outcome = "already-decided"
		case errors.As(err, &expired):
			audit.Outcome = "expired"
		default:
			audit.Outcome = "store-error"
		}
	}
	if aErr := store.AppendAudit(ctx, audit); aErr != nil {
		return rec, errors.Join(err, aErr)
	}
	return rec, err
}
