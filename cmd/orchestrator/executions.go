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

	"github.com/secamo/orchestrator/engine"
	"github.com/secamo/orchestrator/engine/store"
)

func init() {
	commands["executions"] = command{
		summary: "list, describe and show the history of executions in a local engine database",
		run:     runExecutions,
	}
}

const executionsUsage = `usage: orchestrator executions list --db FILE [--state-machine ARN] [--status STATUS] [--max N] [--next TOKEN]
       orchestrator executions describe --db FILE EXECUTION_ARN
       orchestrator executions history --db FILE [--max N] [--next TOKEN] [--reverse] EXECUTION_ARN

Reads the SQLite database of a durable local engine; a running engine may use it at the same
time. list prints one execution per line (status, start time, ARN), newest first, and ends
with "next: TOKEN" when more exist. describe prints the execution as JSON, and history prints
a page of events as JSON with "nextToken" when more exist. --next takes either token.`

func runExecutions(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, executionsUsage)
		return errors.New("missing subcommand: use executions list, describe or history")
	}
	fs := flag.NewFlagSet("executions "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "", "engine database `file`")
	machine := fs.String("state-machine", "", "list only executions of this state machine `ARN`")
	status := fs.String("status", "", "list only executions with this `status` (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED)")
	pageSize := fs.Int("max", 0, "page size, 1 to 1000; default 100")
	next := fs.String("next", "", "next `token` from the previous page")
	reverse := fs.Bool("reverse", false, "history: newest event first")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}

	if *db == "" {
		fmt.Fprintln(stderr, executionsUsage)
		return errors.New("missing --db: give the engine's database file")
	}
	e, closeStore, err := openEngine(ctx, *db)
	if err != nil {
		return err
	}
	defer closeStore()

	switch args[0] {
	case "list":
		return listExecutions(ctx, e, stdout, *machine, *status, *pageSize, *next)
	case "describe", "history":
		if fs.NArg() != 1 {
			fmt.Fprintln(stderr, executionsUsage)
			return fmt.Errorf("executions %s needs one execution ARN, got %d arguments", args[0], fs.NArg())
		}
		if args[0] == "describe" {
			x, err := e.DescribeExecution(ctx, fs.Arg(0))
			if err != nil {
				return err
			}
			return writeJSON(stdout, x)
		}
		return printHistory(ctx, e, stdout, fs.Arg(0), *pageSize, *next, *reverse)
	}
	fmt.Fprintln(stderr, executionsUsage)
	return fmt.Errorf("unknown subcommand %q: use list, describe or history", args[0])
}

// openEngine opens an existing engine database through the engine API, without recovering
// or running anything.
func openEngine(ctx context.Context, path string) (*engine.Engine, func(), error) {
	if _, err := os.Stat(path); err != nil {
		return nil, nil, fmt.Errorf("engine database %q: %w", path, err)
	}
	s, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		return nil, nil, err
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return engine.New(engine.Options{Store: s, Logger: log}), func() { s.Close() }, nil
}

func listExecutions(ctx context.Context, e *engine.Engine, w io.Writer, machine, status string, pageSize int, next string) error {
	page, err := e.ListExecutions(ctx, machine, status, pageSize, next)
	if err != nil {
		return err
	}
	if len(page.Executions) == 0 && next == "" {
		fmt.Fprintln(w, "no executions match")
	}
	for _, x := range page.Executions {
		fmt.Fprintf(w, "%-9s  %s  %s\n", x.Status, x.StartDate.UTC().Format("2006-01-02T15:04:05Z"), x.ExecutionARN)
	}
	if page.NextToken != "" {
		fmt.Fprintf(w, "next: %s\n", page.NextToken)
	}
	return nil
}

func printHistory(ctx context.Context, e *engine.Engine, w io.Writer, arn string, pageSize int, next string, reverse bool) error {
	page, err := e.GetExecutionHistoryPage(ctx, arn, pageSize, next, reverse)
	if err != nil {
		return err
	}
	out := map[string]any{"events": page.Events}
	if page.NextToken != "" {
		out["nextToken"] = page.NextToken
	}
	return writeJSON(w, out)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
