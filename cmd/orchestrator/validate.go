package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/secamo/orchestrator/asl"
)

func init() {
	commands["validate"] = command{
		summary: "check ASL definitions and list every problem",
		run:     runValidate,
	}
}

const validateUsage = `usage: orchestrator validate FILE...

Checks each Amazon States Language definition the way Step Functions checks it at
CreateStateMachine and lists every problem with its state and field. ${Name} placeholders
are accepted as they are. Exits with status 1 when any file is invalid.`

func runValidate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(stderr, validateUsage)
		return errors.New("no definition file given")
	}
	invalid := 0
	for _, path := range args {
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintf(stdout, "%s: %v\n", path, err)
			invalid++
			continue
		}
		if _, err := asl.Parse(data); err != nil {
			invalid++
			var verr *asl.ValidationError
			if errors.As(err, &verr) {
				for _, p := range verr.Problems {
					fmt.Fprintf(stdout, "%s: %s\n", path, p)
				}
				continue
			}
			fmt.Fprintf(stdout, "%s: %v\n", path, err)
			continue
		}
		fmt.Fprintf(stdout, "%s: valid\n", path)
	}
	if invalid > 0 {
		return fmt.Errorf("%d of %d definitions are invalid", invalid, len(args))
	}
	return nil
}
