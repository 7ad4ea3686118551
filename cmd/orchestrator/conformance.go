package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/secamo/orchestrator/engine/conformance"
)

func init() {
	commands["conformance"] = command{
		summary: "replay executions recorded on AWS Step Functions and compare the results",
		run:     runConformance,
	}
}

const conformanceUsage = `usage: orchestrator conformance --cases FILE [--json] [--failures]

Replays every case of FILE (JSON lines recorded against AWS Step Functions) on the local
engine with a virtual clock, and prints pass counts by tier and by feature, ending with
"passed N of M".
  --cases FILE   the case file, such as asl-conformance/cases.jsonl
  --json         print the summary and every failure as JSON instead of a table
  --failures     also list each failed case with the first difference`

func runConformance(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("conformance", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, conformanceUsage) }
	casesPath := fs.String("cases", "", "case file")
	asJSON := fs.Bool("json", false, "print JSON")
	listFailures := fs.Bool("failures", false, "list failed cases")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *casesPath == "" {
		fs.Usage()
		return errors.New("--cases is missing; give the path of the case file")
	}
	cases, err := conformance.Load(*casesPath)
	if err != nil {
		return err
	}
	runner := &conformance.Runner{
		Handlers: conformance.TrivialHandlers(),
		Start:    conformance.RecordingTime(cases),
		Children: conformance.RecordedChildren,
	}
	results := make([]conformance.Result, 0, len(cases))
	for i := range cases {
		if err := ctx.Err(); err != nil {
			return err
		}
		results = append(results, runner.Run(ctx, &cases[i]))
	}
	summary := conformance.Summarize(results)

	type failure struct {
		ID     string `json:"id"`
		Tier   string `json:"tier"`
		Reason string `json:"reason"`
	}
	var failures []failure
	for _, r := range results {
		if !r.Passed && !r.Skipped {
			failures = append(failures, failure{ID: r.Case.ID, Tier: r.Case.Tier, Reason: r.Reason})
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			conformance.Summary
			Failures []failure `json:"failures"`
		}{summary, failures})
	}
	if *listFailures {
		for _, f := range failures {
			fmt.Fprintf(stdout, "FAIL [%s] %s\n     %s\n", f.Tier, f.ID, f.Reason)
		}
		fmt.Fprintln(stdout)
	}
	return summary.WriteTable(stdout)
}
