package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/secamo/orchestrator/engine"
)

func init() {
	commands["run"] = command{
		summary: "run one execution of an ASL definition on the local engine",
		run:     runRun,
	}
}

const runUsage = `usage: orchestrator run DEFINITION [--input FILE] [--set NAME=VALUE]...

Runs one execution of DEFINITION on the local engine to completion and prints its output
and a per-state summary. Wait states and retry intervals take their real time.
  --input FILE       execution input, a JSON file (default {})
  --set NAME=VALUE   fill the ${NAME} placeholder of the definition with VALUE; repeatable
No Lambda handlers are registered, so Task states fail with Lambda.ResourceNotFoundException.`

// substitutionFlag collects repeated --set NAME=VALUE flags.
type substitutionFlag map[string]string

func (s substitutionFlag) String() string { return fmt.Sprint(map[string]string(s)) }

func (s substitutionFlag) Set(v string) error {
	name, value, ok := strings.Cut(v, "=")
	if !ok || name == "" {
		return fmt.Errorf("--set %q: use NAME=VALUE", v)
	}
	s[name] = value
	return nil
}

func runRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, runUsage) }
	inputPath := fs.String("input", "", "execution input, a JSON file")
	subs := substitutionFlag{}
	fs.Var(subs, "set", "placeholder NAME=VALUE")
	positional, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(positional) != 1 {
		fs.Usage()
		return errors.New("give exactly one definition file")
	}
	def, err := os.ReadFile(positional[0])
	if err != nil {
		return fmt.Errorf("reading the definition: %w", err)
	}
	input := "{}"
	if *inputPath != "" {
		b, err := os.ReadFile(*inputPath)
		if err != nil {
			return fmt.Errorf("reading the input: %w", err)
		}
		input = string(b)
	}

	e := engine.New(engine.Options{Logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	name := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(positional[0]), ".json"), ".asl")
	name = strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '-'
	}, name)
	arn, err := e.CreateStateMachine(ctx, name, def, subs)
	if err != nil {
		return err
	}
	execARN, err := e.StartExecution(ctx, arn, "", input)
	if err != nil {
		return err
	}
	x, err := e.Wait(ctx, execARN)
	if err != nil {
		_ = e.StopExecution(context.WithoutCancel(ctx), execARN, "Interrupted", "the run command was interrupted")
		return err
	}
	hist, err := e.GetExecutionHistory(ctx, execARN)
	if err != nil {
		return err
	}
	printSummary(stdout, x, hist)
	if x.Status != engine.StatusSucceeded {
		return fmt.Errorf("execution %s: %s", strings.ToLower(x.Status), x.Error)
	}
	return nil
}

// printSummary writes the result and, per state, how often it ran and for how long.
func printSummary(w io.Writer, x *engine.Execution, hist []engine.HistoryEvent) {
	fmt.Fprintf(w, "execution %s\nstatus    %s\n", x.ExecutionARN, x.Status)
	if x.Status == engine.StatusSucceeded {
		fmt.Fprintf(w, "output    %s\n", x.Output)
	} else {
		fmt.Fprintf(w, "error     %s\ncause     %s\n", x.Error, x.Cause)
	}
	type stat struct {
		runs  int
		total time.Duration
	}
	stats := map[string]*stat{}
	var order []string
	entered := map[string]time.Time{}
	for _, h := range hist {
		name, _ := h.Details["name"].(string)
		switch {
		case strings.HasSuffix(h.Type, "StateEntered"):
			if stats[name] == nil {
				stats[name] = &stat{}
				order = append(order, name)
			}
			stats[name].runs++
			entered[name] = h.Timestamp
		case strings.HasSuffix(h.Type, "StateExited"):
			if s := stats[name]; s != nil {
				s.total += h.Timestamp.Sub(entered[name])
			}
		}
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "state\truns\ttime")
	for _, name := range order {
		fmt.Fprintf(tw, "%s\t%d\t%v\n", name, stats[name].runs, stats[name].total.Round(time.Millisecond))
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d history events\n", len(hist))
}

// parseInterspersed parses flags that may come before or after positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}
